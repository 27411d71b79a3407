import Foundation
import Glibc
import XCTest

/// Class 3: hard links. Identity beats names: a regular file whose
/// (st_dev, st_ino) is that of a file inside a fixed-path secret store or
/// fixed-path deny rule is hidden under any name, with rule `hardlink-secret`.
final class EscapeHardLinkTests: EscapeTestCase {
    func testHardLinksToSecretStoresAndFixedDenyPathsAreHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, ".aws/credentials")
        try secret(fx, "finance/2025/tax-return.pdf")
        try secret(fx, "projects/demo/private.txt")
        let links: [(String, String)] = [
            ("projects/demo/notes.txt", ".ssh/id_ed25519"),
            ("projects/demo/deep/er/settings.ini", ".aws/credentials"),
            ("projects/demo/report.pdf", "finance/2025/tax-return.pdf"),
            ("projects/demo/public.txt", "projects/demo/private.txt"),
            ("projects/demo/README.md.orig", ".ssh/id_ed25519"),
        ]
        for (link, target) in links {
            try fx.tree.hardLink(link, to: target)
        }
        try fx.mountLive(["--allow", "projects/demo", "--deny", "finance", "--deny", "projects/demo/private.txt"])
        let v = fx.mountpoint

        for (link, _) in links {
            assertHidden(v + "/" + link)
            assertDenyLogged(fx, path: link, rule: "hardlink-secret", op: "lookup")
        }
        // The originals are hidden by name.
        assertHidden(v + "/projects/demo/private.txt")
        assertDenyLogged(fx, path: "projects/demo/private.txt", rule: "deny:projects/demo/private.txt", op: "lookup")
        assertListing(v + "/projects/demo", ["README.md", "deep"])
        assertListing(v + "/projects/demo/deep/er", [])
        sweep(fx, hidden: links.map(\.0) + ["projects/demo/private.txt", "finance", ".ssh", ".aws"])
    }

    /// The identity set is rescanned at most once a second. A secret and a
    /// hard link to it that appear inside that second (a key generated and
    /// linked by a host tool) must still never be served.
    func testHardLinkToASecretMadeRightAfterARescanIsHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.hardLink("projects/demo/b.txt", to: "projects/demo/a.txt")
        try secret(fx, ".ssh/id_ed25519")
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"

        // An unknown multiply-linked file makes the daemon rescan now (the
        // mount's own scan is more than a second old by then).
        usleep(1_100_000)
        XCTAssertEqual(Posix.readFile(d + "/b.txt"), .success(Array("a\n".utf8)))
        // Within the next second: a new key, and a hard link to it.
        try secret(fx, ".ssh/id_new")
        try fx.tree.hardLink("projects/demo/c.txt", to: ".ssh/id_new")
        assertHidden(d + "/c.txt")
        assertDenyLogged(fx, path: "projects/demo/c.txt", rule: "hardlink-secret", op: "lookup")
        sweep(fx, hidden: ["projects/demo/c.txt"])
    }

    /// The rescan has a budget of 20,000 entries. Browser profiles (a secret
    /// store) routinely hold more (caches, IndexedDB); what is scanned after
    /// them, such as a fixed `--deny` directory, must still be recognised.
    func testHardLinkToAFixedDenyPathIsHiddenBehindALargeSecretStore() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.directory(".config/google-chrome/Default/Code Cache/js")
        let cache = fx.source + "/.config/google-chrome/Default/Code Cache/js"
        let dirfd = open(cache, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(dirfd, 0)
        for i in 0..<21_000 {
            let fd = openat(dirfd, String(format: "%016x_0", i), O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            XCTAssertGreaterThanOrEqual(fd, 0)
            close(fd)
        }
        close(dirfd)
        try secret(fx, "finance/tax-return.pdf")
        try fx.tree.hardLink("projects/demo/report.pdf", to: "finance/tax-return.pdf")
        try fx.mountLive(["--allow", "projects/demo", "--deny", "finance"])
        let d = fx.mountpoint + "/projects/demo"

        assertHidden(d + "/report.pdf")
        assertDenyLogged(fx, path: "projects/demo/report.pdf", rule: "hardlink-secret", op: "lookup")
        assertListing(d, ["README.md"])
    }
}
