import Foundation
import Glibc
import XCTest

/// Class 2: symlinks. gatefs resolves every link itself, one name at a
/// time inside the source; a link is shown only when that resolution ends on
/// a visible path, and `readlink` then answers a relative path through the
/// view. Every other link is a hidden name with rule `symlink-escape`.
final class EscapeSymlinkTests: EscapeTestCase {
    func testAbsoluteAndSystemTargetsAreHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try secret(fx, ".ssh/id_ed25519")
        let climb = String(repeating: "../", count: 40)
        let links: [(String, String)] = [
            ("shadow", "/etc/shadow"),
            ("shadow-slashes", "//etc//shadow"),
            ("shadow-rel", climb + "etc/shadow"),
            ("proc-root", "/proc/self/root"),
            ("proc-root-shadow", "/proc/self/root/etc/shadow"),
            ("proc-cwd", "/proc/self/cwd"),
            ("proc-init-root", "/proc/1/root"),
            ("proc-rel", climb + "proc/self/root/etc/shadow"),
            ("slash", "/"),
            ("dev-mem", "/dev/mem"),
            ("abs-secret", fx.source + "/.ssh/id_ed25519"),
            ("abs-inside", fx.source + "/projects/demo/README.md"),   // absolute, even to an allowed file
            ("abs-view", fx.mountpoint + "/projects/demo/README.md"),
            ("up-out", "../../../source/.ssh/id_ed25519"),
            ("up-source", "../../../source"),
        ]
        for (name, target) in links {
            try fx.tree.symlink("projects/demo/" + name, to: target)
        }
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"

        for (name, _) in links {
            assertHidden(d + "/" + name)
            assertUnreadable(d + "/" + name + "/etc/shadow", [ENOENT])
            assertDenyLogged(fx, path: "projects/demo/" + name, rule: "symlink-escape", op: "lookup")
        }
        assertListing(d, ["README.md"])
        sweep(fx, hidden: links.map { "projects/demo/" + $0.0 })
    }

    func testChainsEscapingOnlyAtTheLastHopAndLoopsAreHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.file("projects/demo/sub/file.txt", "file\n")
        try secret(fx, ".aws/credentials")
        try secret(fx, ".ssh/id_ed25519")
        let t = fx.tree
        // Ten hops inside the project, the tenth leaves for .aws.
        for i in 0..<9 { try t.symlink("projects/demo/hop\(i)", to: i % 2 == 0 ? "sub/../hop\(i + 1)" : "./hop\(i + 1)") }
        try t.symlink("projects/demo/hop9", to: "../../.aws/credentials")
        // Through directory links: only the innermost one points at .ssh.
        try t.symlink("projects/demo/d1", to: "sub")
        try t.symlink("projects/demo/sub/l2", to: "../d2")
        try t.symlink("projects/demo/d2", to: "../../.ssh")
        try t.symlink("projects/demo/via-dirs", to: "d1/l2/id_ed25519")
        // In and back out of a secret store: the walk must not pass through it.
        try t.symlink("projects/demo/in-and-out", to: "../../.ssh/../projects/demo/README.md")
        // Loops and an over-long (but loop-free) chain.
        try t.symlink("projects/demo/loop-a", to: "loop-b")
        try t.symlink("projects/demo/loop-b", to: "sub/../loop-c")
        try t.symlink("projects/demo/loop-c", to: "loop-a")
        try t.symlink("projects/demo/loop-dir", to: "loop-dir/x")
        try t.symlink("projects/demo/loop-parent", to: "sub/../loop-parent/README.md")
        for i in 0..<41 { try t.symlink("projects/demo/long\(i)", to: i == 40 ? "README.md" : "long\(i + 1)") }
        for i in 0..<20 { try t.symlink("projects/demo/ok\(i)", to: i == 19 ? "sub/file.txt" : "ok\(i + 1)") }
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"

        var hidden = (0..<10).map { "projects/demo/hop\($0)" }
        hidden += ["projects/demo/d2", "projects/demo/sub/l2", "projects/demo/via-dirs", "projects/demo/in-and-out",
                   "projects/demo/loop-a", "projects/demo/loop-b", "projects/demo/loop-c", "projects/demo/loop-dir",
                   "projects/demo/loop-parent", "projects/demo/long0"]
        for path in hidden {
            assertHidden(fx.mountpoint + "/" + path)
            assertDenyLogged(fx, path: path, rule: "symlink-escape", op: "lookup")
        }
        assertUnreadable(d + "/d1/l2/id_ed25519")
        // 20 hops that stay inside work, and resolve to the file itself.
        XCTAssertEqual(Posix.readFile(d + "/ok0"), .success(Array("file\n".utf8)))
        XCTAssertEqual(Posix.readLink(d + "/ok0"), .success("sub/file.txt"))
        XCTAssertEqual(Posix.readFile(d + "/long1"), .success(Array("readme\n".utf8)), "40 hops from long1 are allowed")
        XCTAssertEqual(Posix.readFile(d + "/d1/file.txt"), .success(Array("file\n".utf8)))
        sweep(fx, hidden: hidden)
    }

    func testLinksToDirectoriesHoldingSecretsShowOnlyWhatTheViewShows() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.file(".config/app/settings.json", "{}\n")
        try secret(fx, ".config/gcloud/credentials.db")
        try secret(fx, ".config/gh/hosts.yml")
        try secret(fx, ".config/app/.env")
        try secret(fx, ".ssh/id_ed25519")
        try fx.tree.symlink("projects/demo/cfg", to: "../../.config")
        try fx.tree.symlink("projects/demo/home", to: "../..")
        try fx.tree.symlink("projects/demo/app", to: "../../.config/app")
        try fx.mountLive(["--allow", "projects/demo", "--allow", ".config"])
        let d = fx.mountpoint + "/projects/demo"

        XCTAssertEqual(Posix.readLink(d + "/cfg"), .success("../../.config"))
        XCTAssertEqual(Posix.readLink(d + "/home"), .success("../.."))
        assertListing(d + "/cfg/", ["app"])
        assertListing(d + "/app/", ["settings.json"])
        assertListing(d + "/home/", [".config", "projects"])
        XCTAssertEqual(Posix.readFile(d + "/cfg/app/settings.json"), .success(Array("{}\n".utf8)))
        for (path, denied, rule) in [
            ("cfg/gcloud/credentials.db", ".config/gcloud", "secret:gcloud"),
            ("cfg/gh/hosts.yml", ".config/gh", "secret:gh"),
            ("app/.env", ".config/app/.env", "secret:env"),
            ("home/.ssh/id_ed25519", ".ssh", "secret:ssh"),
            ("home/.config/gh/hosts.yml", ".config/gh", "secret:gh"),
        ] {
            assertHidden(d + "/" + path)
            assertDenyLogged(fx, path: denied, rule: rule, op: "lookup")
        }
        sweep(fx, hidden: [".config/gcloud", ".config/gh", ".config/app/.env", ".ssh"])
    }

    /// readlink answers the canonical target, relative, through visible
    /// directories: never an absolute path, never a climb above the view,
    /// never the name of a hidden directory the raw target passed through.
    func testReadlinkNeverNamesAHiddenPathAndAllowedTargetsWork() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.file("projects/demo/src/main.c", "int main;\n")
        try fx.tree.file("projects/demo/config/app.toml", "x = 1\n")
        try fx.tree.file("projects/demo/.ssh-notes/n.txt", "notes\n")   // not a secret store
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, "projects/demo/.env")
        let cases: [(String, String, String)] = [
            ("a", "./src/../src/main.c", "src/main.c"),
            ("b", "../demo/src/main.c", "src/main.c"),
            ("c", "../../projects/./demo/README.md", "README.md"),
            ("d", "src/../../demo/config/../README.md", "README.md"),
            ("e", ".ssh-notes/../README.md", "README.md"),
            ("cfg", "config", "config"),
            ("f", "cfg/app.toml", "config/app.toml"),
            ("src/up", "../config/app.toml", "../config/app.toml"),
            ("src/deep", "../../demo/src/../src/main.c", "main.c"),
            ("here", ".", "."),
        ]
        for (name, target, _) in cases {
            try fx.tree.symlink("projects/demo/" + name, to: target)
        }
        try fx.tree.symlink("projects/demo/to-env", to: "src/../.env")
        try fx.tree.symlink("projects/demo/via-ssh", to: "../../.ssh/../projects/demo/src/main.c")
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"

        for (name, target, canonical) in cases {
            XCTAssertEqual(Posix.readLink(d + "/" + name), .success(canonical), "readlink \(name) -> \(target)")
        }
        XCTAssertEqual(Posix.readFile(d + "/a"), .success(Array("int main;\n".utf8)))
        XCTAssertEqual(Posix.readFile(d + "/f"), .success(Array("x = 1\n".utf8)))
        XCTAssertEqual(Posix.readFile(d + "/here/here/here/README.md"), .success(Array("readme\n".utf8)))
        XCTAssertEqual(Posix.readFile(d + "/src/deep"), .success(Array("int main;\n".utf8)))
        for name in ["to-env", "via-ssh"] {
            assertHidden(d + "/" + name)
            assertDenyLogged(fx, path: "projects/demo/" + name, rule: "symlink-escape", op: "lookup")
        }
        sweep(fx, hidden: ["projects/demo/to-env", "projects/demo/via-ssh", "projects/demo/.env", ".ssh"])
    }

    /// A link to a hard link of a secret is hidden like the hard link itself.
    func testLinkToAHardLinkOfASecretIsHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try secret(fx, ".ssh/id_ed25519")
        try fx.tree.hardLink("projects/demo/notes.txt", to: ".ssh/id_ed25519")
        try fx.tree.symlink("projects/demo/l", to: "notes.txt")
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"
        assertHidden(d + "/l")
        assertHidden(d + "/notes.txt")
        assertDenyLogged(fx, path: "projects/demo/l", rule: "symlink-escape", op: "lookup")
        assertDenyLogged(fx, path: "projects/demo/notes.txt", rule: "hardlink-secret", op: "lookup")
        sweep(fx, hidden: ["projects/demo/l", "projects/demo/notes.txt"])
    }

    /// The link the kernel looked up is replaced on the host (as an agent
    /// with write access to its project could) by one that escapes: the
    /// cached node no longer matches and the new link is judged afresh.
    func testLinkRetargetedAfterLookupNeverLeadsOut() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try secret(fx, ".ssh/id_ed25519")
        try fx.tree.symlink("projects/demo/flip", to: "README.md")
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"
        XCTAssertEqual(Posix.readFile(d + "/flip"), .success(Array("readme\n".utf8)))
        XCTAssertEqual(Posix.readLink(d + "/flip"), .success("README.md"))

        try fx.tree.symlink("projects/demo/flip.new", to: "../../.ssh/id_ed25519")
        XCTAssertEqual(rename(fx.source + "/projects/demo/flip.new", fx.source + "/projects/demo/flip"), 0)
        for _ in 0..<3 {
            switch Posix.readFile(d + "/flip") {
            case .success(let bytes):
                assertNoMarker(bytes, "read flip after the retarget")
                XCTFail("read flip after the retarget succeeded")
            case .failure(let e):
                XCTAssertTrue([ENOENT, ESTALE].contains(e.code), "read flip: \(e)")
            }
            if case .success(let target) = Posix.readLink(d + "/flip") {
                XCTFail("readlink flip after the retarget = \(target)")
            }
        }
        assertHidden(d + "/flip")
        assertDenyLogged(fx, path: "projects/demo/flip", rule: "symlink-escape")
        sweep(fx, hidden: ["projects/demo/flip"])
    }
}
