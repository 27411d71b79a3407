import Foundation
import Glibc
import XCTest

/// Class 5: mounts. The view never crosses into another mount inside the
/// source (rule `mount-crossing`): a bind mount of `~/.ssh`, of `/` or of a
/// single secret file over an allowed one is hidden, whether it was there
/// at mount time or appeared after the kernel cached the name. gatefs's own
/// mountpoint and audit log, placed inside the source, are hidden too.
final class EscapeMountTests: EscapeTestCase {
    func testBindMountsInsideTheAllowedTreeAreNotCrossed() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.file("projects/demo/notes.txt", "notes\n")
        try fx.tree.file("projects/demo/sub/a.txt", "a\n")
        for dir in ["projects/demo/ssh-bind", "projects/demo/root-bind", "projects/demo/sub/self-bind"] {
            try fx.tree.directory(dir)
        }
        try secret(fx, ".ssh/id_ed25519")
        let src = fx.source
        try bindMount(fx, src + "/.ssh", onto: src + "/projects/demo/ssh-bind")
        try bindMount(fx, "/", onto: src + "/projects/demo/root-bind")
        try bindMount(fx, src + "/.ssh/id_ed25519", onto: src + "/projects/demo/notes.txt")
        try bindMount(fx, src + "/projects/demo", onto: src + "/projects/demo/sub/self-bind")
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"

        for name in ["ssh-bind", "root-bind", "notes.txt", "sub/self-bind"] {
            assertHidden(d + "/" + name)
            assertDenyLogged(fx, path: "projects/demo/" + name, rule: "mount-crossing", op: "lookup")
        }
        assertUnreadable(d + "/ssh-bind/id_ed25519")
        assertUnreadable(d + "/root-bind/etc/shadow")
        assertUnreadable(d + "/root-bind/etc/passwd")
        assertListing(d, ["README.md", "sub"])
        assertListing(d + "/sub", ["a.txt"])
        sweep(fx, hidden: ["projects/demo/ssh-bind", "projects/demo/root-bind", "projects/demo/notes.txt",
                           "projects/demo/sub/self-bind", ".ssh"])
    }

    /// The kernel already holds the names when the bind mounts appear: the
    /// cached file must not be re-opened across the new mount, the cached
    /// directory keeps listing what lies under the mount, and a fresh
    /// lookup hides both.
    func testBindMountsMadeAfterTheNamesWereCachedAreNotCrossed() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/notes.txt", "notes\n")
        try fx.tree.file("projects/demo/sub/a.txt", "a\n")
        try fx.tree.file("projects/demo/probe.txt", "probe\n")
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, ".ssh/config")
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"
        XCTAssertEqual(Posix.readFile(d + "/notes.txt"), .success(Array("notes\n".utf8)))
        assertListing(d + "/sub", ["a.txt"])

        let src = fx.source
        try bindMount(fx, src + "/.ssh/id_ed25519", onto: src + "/projects/demo/notes.txt")
        try bindMount(fx, src + "/.ssh", onto: src + "/projects/demo/sub")
        for _ in 0..<3 {
            switch Posix.readFile(d + "/notes.txt") {
            case .success(let bytes):
                assertNoMarker(bytes, "read notes.txt after the bind mount")
                XCTAssertEqual(bytes, Array("notes\n".utf8))
            case .failure(let e):
                XCTAssertTrue([ENOENT, EXDEV, ESTALE].contains(e.code), "read notes.txt: \(e)")
            }
            if case .success(let names) = EscapeRawFS.names(Array((d + "/sub").utf8)) {
                XCTAssertFalse(names.contains(Array("id_ed25519".utf8)) || names.contains(Array("config".utf8)),
                               "the cached directory lists the bind-mounted .ssh: \(names.map(EscapeAuditText.of))")
            }
            assertUnreadable(d + "/sub/id_ed25519", [ENOENT, EXDEV, ESTALE])
            assertUnreadable(d + "/sub/config", [ENOENT, EXDEV, ESTALE])
        }
        // Once the attributes the kernel holds expire (1 s), the next stat finds
        // the identity changed and looks the name up again: hidden.
        usleep(1_100_000)
        assertHidden(d + "/notes.txt")
        assertDenyLogged(fx, path: "projects/demo/notes.txt", rule: "mount-crossing", op: "lookup")
        assertListing(d, ["probe.txt"])
        assertDaemonHealthy(fx, pid: try fx.daemonPID(), probe: "projects/demo/probe.txt", expected: Array("probe\n".utf8))
        sweep(fx, hidden: ["projects/demo/notes.txt", "projects/demo/sub", ".ssh"])
    }

    /// The mountpoint and the log deep inside an allowed project: neither is
    /// listed, reachable by name, by link or by `..`, and find does not recurse.
    func testMountpointAndLogInsideAnAllowedProjectAreUnreachable() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.directory("projects/demo/.agent-view")
        try fx.tree.directory("projects/demo/logs")
        try fx.tree.symlink("projects/demo/to-view", to: ".agent-view")
        try fx.tree.symlink("projects/demo/to-log", to: "logs/access.jsonl")
        try fx.tree.symlink("projects/demo/logs/up", to: "../.agent-view/projects")
        try secret(fx, ".ssh/id_ed25519")
        let view = fx.source + "/projects/demo/.agent-view"
        let log = fx.source + "/projects/demo/logs/access.jsonl"
        try fx.mountLive(["--allow", "projects/demo"], at: view, log: log)
        let d = view + "/projects/demo"

        XCTAssertEqual(Posix.lstatError(d + "/.agent-view"), ENOENT)
        assertUnreadable(d + "/.agent-view/projects/demo/README.md")
        for (path, rule) in [("projects/demo/logs/access.jsonl", "audit-log"), ("projects/demo/logs/access.jsonl.lock", "audit-log"),
                             ("projects/demo/to-view", "symlink-escape"), ("projects/demo/to-log", "symlink-escape"),
                             ("projects/demo/logs/up", "symlink-escape")] {
            assertHidden(view + "/" + path)
            assertDenyLogged(fx, path: path, rule: rule, op: "lookup", log: log)
        }
        assertListing(d + "/logs", [])
        let seen = sweep(fx, view: view, hidden: ["projects/demo/.agent-view", "projects/demo/logs/access.jsonl",
                                                  "projects/demo/logs/access.jsonl.lock", "projects/demo/to-view",
                                                  "projects/demo/to-log", ".ssh"])
        XCTAssertEqual(Set(seen.map { String(decoding: $0, as: UTF8.self) }),
                       ["projects", "projects/demo", "projects/demo/README.md", "projects/demo/logs"])
        assertLogIntact(fx, log: log)
    }

    /// After rotation the live log and its rotations are new files: a hard
    /// link to any of them (made on the host) must stay hidden too.
    func testRotatedLogInsideTheSourceIsHiddenByIdentity() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.directory("projects/demo/logs")
        try secret(fx, ".ssh/id_ed25519")
        let config = fx.directory + "/gatefs.toml"
        try "[log]\nrotate_bytes = 4096\nkeep = 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let log = fx.source + "/projects/demo/logs/access.jsonl"
        try fx.mountLive(["--config", config, "--allow", "projects/demo"], log: log)
        let d = fx.mountpoint + "/projects/demo"

        // Enough traffic to rotate twice; the deny lines name a hidden path.
        // The writer is asynchronous: wait for it to catch up.
        var rotated = false
        let deadline = Date().addingTimeInterval(15)
        while !rotated && Date() < deadline {
            _ = Posix.readFile(d + "/README.md")
            assertAbsent(fx.mountpoint + "/.ssh")
            rotated = Posix.lstatError(log + ".2") == 0
            if !rotated { usleep(20_000) }
        }
        XCTAssertTrue(rotated, "the log never rotated twice")
        usleep(200_000)
        var links: [String] = []
        for (i, suffix) in ["", ".1", ".2", ".3"].enumerated() where Posix.lstatError(log + suffix) == 0 {
            try fx.tree.hardLink("projects/demo/log\(i).jsonl", to: "projects/demo/logs/access.jsonl" + suffix)
            links.append("log\(i).jsonl")
        }
        for name in links {
            if case .success(let bytes) = Posix.readFile(d + "/" + name) {
                XCTFail("the audit log is readable through the view as \(name) (\(bytes.count) bytes, names the hidden .ssh: "
                        + "\(EscapeByteSearch.contains(bytes, Array("\".ssh\"".utf8))))")
            }
            assertAbsent(d + "/" + name)
            assertDenyLogged(fx, path: "projects/demo/" + name, rule: "audit-log", op: "lookup", log: log)
        }
        assertListing(d, ["README.md", "logs"])
        assertListing(d + "/logs", [])
    }
}
