import Foundation
import Glibc
import XCTest

/// A symlink is shown only when its target resolves, inside the source, to
/// a visible path; readlink then gives a relative target. Every other link
/// (escaping, absolute, dangling, looping, reaching a secret) is absent.
final class SymlinkTests: MountTestCase {
    func testLinksShownOnlyWhenTheirTargetIsVisible() throws {
        let fx = try makeFixture()
        let t = fx.tree
        try t.file("projects/demo/README.md", "readme\n")
        try t.file("projects/demo/src/main.c", "int main(void) { return 0; }\n")
        try t.file("projects/demo/config/app.toml", "name = \"demo\"\n")
        try t.file("projects/demo/config/.env", "TOKEN=1\n")
        try t.file("projects/demo/config/tls.pem", "-----BEGIN PRIVATE KEY-----\n")
        try t.file("projects/demo/.env", "TOKEN=2\n")
        try t.file("projects/other/notes.txt", "other\n")
        try t.file(".ssh/id_ed25519", "ssh key\n")
        try t.file(".aws/credentials", "aws key\n")

        // Shown.
        try t.symlink("projects/demo/link-main", to: "src/main.c")
        try t.symlink("projects/demo/src/link-readme", to: "../README.md")
        try t.symlink("projects/demo/roundtrip", to: "../../projects/demo/README.md")
        try t.symlink("projects/demo/dotted", to: "./src/../src/main.c")
        try t.symlink("projects/demo/chain-ok1", to: "chain-ok2")
        try t.symlink("projects/demo/chain-ok2", to: "src/main.c")
        try t.symlink("projects/demo/cfg", to: "config")
        // Hidden.
        try t.symlink("projects/demo/esc-rel", to: "../../.ssh/id_ed25519")
        try t.symlink("projects/demo/esc-abs", to: fx.source + "/.ssh/id_ed25519")
        try t.symlink("projects/demo/passwd", to: "/etc/passwd")
        try t.symlink("projects/demo/passwd-rel", to: String(repeating: "../", count: 12) + "etc/passwd")
        try t.symlink("projects/demo/dangling", to: "does-not-exist")
        try t.symlink("projects/demo/loop-a", to: "loop-b")
        try t.symlink("projects/demo/loop-b", to: "loop-a")
        try t.symlink("projects/demo/self", to: "self")
        try t.symlink("projects/demo/chain1", to: "chain2")
        try t.symlink("projects/demo/chain2", to: "src/../chain3")
        try t.symlink("projects/demo/chain3", to: "../../.aws/credentials")
        try t.symlink("projects/demo/to-other", to: "../other/notes.txt")
        try t.symlink("projects/demo/to-env", to: ".env")
        try t.symlink("projects/demo/to-env-via-cfg", to: "cfg/.env")
        try t.symlink("projects/demo/to-pem", to: "config/tls.pem")
        try t.symlink("projects/demo/sshdir", to: "../../.ssh")
        try t.symlink("projects/demo/into-sshdir", to: "sshdir/id_ed25519")
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"

        assertSameEntries(try fx.find(fx.mountpoint), [
            "projects", "projects/demo", "projects/demo/README.md", "projects/demo/src", "projects/demo/src/main.c",
            "projects/demo/src/link-readme", "projects/demo/config", "projects/demo/config/app.toml",
            "projects/demo/link-main", "projects/demo/roundtrip", "projects/demo/dotted", "projects/demo/chain-ok1",
            "projects/demo/chain-ok2", "projects/demo/cfg",
        ], "find VIEW")

        XCTAssertEqual(Posix.readLink(d + "/link-main"), .success("src/main.c"))
        XCTAssertEqual(Posix.readLink(d + "/src/link-readme"), .success("../README.md"))
        for link in ["link-main", "dotted", "chain-ok1", "chain-ok2"] {
            assertRelativeLink(d + "/" + link)
            assertSameBytes(d + "/" + link, fx.source + "/projects/demo/src/main.c")
        }
        for link in ["roundtrip", "src/link-readme"] {
            assertRelativeLink(d + "/" + link)
            assertSameBytes(d + "/" + link, fx.source + "/projects/demo/README.md")
        }
        // Listing through a link to a directory shows only what the directory shows.
        assertListing(d + "/cfg/", ["app.toml"])
        assertSameBytes(d + "/cfg/app.toml", fx.source + "/projects/demo/config/app.toml")
        assertAbsent(d + "/cfg/.env")
        assertAbsent(d + "/cfg/tls.pem")

        for link in ["esc-rel", "esc-abs", "passwd", "passwd-rel", "dangling", "loop-a", "loop-b", "self",
                     "chain1", "chain2", "chain3", "to-other", "to-env", "to-env-via-cfg", "to-pem", "sshdir", "into-sshdir"] {
            assertAbsent(d + "/" + link)
            XCTAssertEqual(Posix.readLink(d + "/" + link), .failure(Posix.Errno(ENOENT)), "readlink \(link)")
            assertErrno(ENOENT, "open \(link)", closingResult: true) { open(d + "/" + link, O_RDONLY) }
        }
        assertErrno(ENOENT, "list through sshdir", closingResult: false) {
            guard let dir = opendir(d + "/sshdir/") else { return -1 }
            closedir(dir)
            return 0
        }
    }

    /// A link to an ancestor of a secret (here: the source root) is shown,
    /// and listing through it shows the root as the view does, secrets left out.
    func testLinkToADirectoryHoldingSecretsListsOnlyVisibleNames() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.file(".ssh/id_ed25519", "ssh key\n")
        try fx.tree.file(".docker/config.json", "{\"auths\":{}}\n")
        try fx.tree.file(".docker/other.json", "{}\n")
        try fx.tree.symlink("projects/demo/home", to: "../..")
        try fx.tree.symlink("projects/demo/docker", to: "../../.docker")
        try fx.mountLive(["--allow", "**"])
        let d = fx.mountpoint + "/projects/demo"

        assertPresent(d + "/home")
        assertRelativeLink(d + "/home")
        assertListing(d + "/home/", [".docker", "projects"])
        assertAbsent(d + "/home/.ssh")
        assertAbsent(d + "/home/.ssh/id_ed25519")
        assertListing(d + "/docker/", ["other.json"])
        assertAbsent(d + "/docker/config.json")
        assertSameBytes(d + "/docker/other.json", fx.source + "/.docker/other.json")
    }

    private func assertRelativeLink(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        switch Posix.readLink(path) {
        case .success(let target):
            XCTAssertFalse(target.hasPrefix("/"), "readlink \(path) = \(target): not relative", file: file, line: line)
        case .failure(let e):
            XCTFail("readlink \(path): \(e)", file: file, line: line)
        }
    }
}
