import Foundation
import GateAuditReader
import Glibc
import XCTest

/// Class 7: other callers. With `--allow-other` the kernel checks each
/// file's own mode for every caller (`default_permissions`): uid 1000 reads
/// what its permissions allow and nothing else, hidden names stay hidden
/// for it, and set-uid bits do nothing (`nosuid`). Without `--allow-other`
/// another uid gets nothing at all, and gatefs never sees its requests.
final class EscapeOtherUserTests: EscapeTestCase {
    static let rootOnly = "ROOT-ONLY-BYTES-3c9a51"

    func testWithAllowOtherAnotherUserReadsOnlyWhatItsPermissionsAllow() throws {
        let fx = try makeFixture()
        XCTAssertEqual(chmod(fx.directory, 0o755), 0)
        let t = fx.tree
        try t.file("projects/demo/public.txt", "public\n")
        try t.file("projects/demo/mine.txt", "mine\n")
        // Readable by root only: not hidden by the policy, so the sweep (as root) may read them.
        for path in ["projects/demo/private.txt", "projects/demo/group.txt", "projects/demo/closed/inside.txt"] {
            try t.file(path, "\(Self.rootOnly) \(path)\n")
        }
        try secret(fx, ".ssh/id_ed25519")   // world-readable, and still hidden
        XCTAssertEqual(chown(t.path("projects/demo/mine.txt"), 1000, 1000), 0)
        XCTAssertEqual(chmod(t.path("projects/demo/mine.txt"), 0o600), 0)
        XCTAssertEqual(chmod(t.path("projects/demo/private.txt"), 0o600), 0)
        XCTAssertEqual(chmod(t.path("projects/demo/group.txt"), 0o640), 0)
        XCTAssertEqual(chmod(t.path("projects/demo/closed"), 0o700), 0)
        XCTAssertEqual(chmod(t.path(".ssh/id_ed25519"), 0o644), 0)
        let id = try XCTUnwrap(FileManager.default.contents(atPath: "/usr/bin/id"))
        try t.file("projects/demo/bin/id-suid", bytes: Array(id))
        XCTAssertEqual(chmod(t.path("projects/demo/bin/id-suid"), 0o4755), 0)
        try fx.mountLive(["--allow", "**", "--allow-other"])
        let v = fx.mountpoint
        let d = v + "/projects/demo"

        let pub = try runAsAgent(fx, ["/bin/cat", d + "/public.txt"])
        XCTAssertEqual(pub.text, "public\n", "uid 1000 reads a 0644 file: \(pub.stderr)")
        let mine = try runAsAgent(fx, ["/bin/cat", d + "/mine.txt"])
        XCTAssertEqual(mine.text, "mine\n", "uid 1000 reads its own 0600 file: \(mine.stderr)")
        for path in ["private.txt", "group.txt", "closed/inside.txt", "closed"] {
            let r = try runAsAgent(fx, path == "closed" ? ["/bin/ls", d + "/closed"] : ["/bin/cat", d + "/" + path])
            XCTAssertNotEqual(r.termination, .exited(0), "uid 1000 read \(path)")
            XCTAssertTrue(r.stderr.contains("Permission denied"), "\(path): \(r.stderr)")
            XCTAssertFalse(r.text.contains(Self.rootOnly), "uid 1000 got the bytes of \(path)")
        }
        let ssh = try runAsAgent(fx, ["/bin/cat", v + "/.ssh/id_ed25519"])
        XCTAssertTrue(ssh.stderr.contains("No such file"), "\(ssh.stderr)")
        assertNoMarker(ssh.stdout, "uid 1000 reading .ssh/id_ed25519")
        assertDenyLogged(fx, path: ".ssh", rule: "secret:ssh", op: "lookup", uid: 1000)

        let find = try runAsAgent(fx, ["/usr/bin/find", v, "-mindepth", "1", "-printf", "%P\\n"])
        assertNoMarker(find.stdout, "find as uid 1000")
        XCTAssertEqual(Set(find.text.split(separator: "\n").map(String.init)), [
            "projects", "projects/demo", "projects/demo/public.txt", "projects/demo/mine.txt",
            "projects/demo/private.txt", "projects/demo/group.txt", "projects/demo/closed",
            "projects/demo/bin", "projects/demo/bin/id-suid",
        ], "find as uid 1000 (closed/ is unreadable to it)")

        // nosuid: a root-owned set-uid program run through the view keeps the caller's uid.
        let suid = try runAsAgent(fx, [d + "/bin/id-suid", "-u"])
        XCTAssertEqual(suid.text, "1000\n", "set-uid through the view: \(suid.stderr)")

        // The kernel refused the unreadable files before gatefs saw them.
        let lines = AgentAuditLog.barrier(log: fx.log, view: v, file: "projects/demo/public.txt") ?? []
        XCTAssertEqual(Set(lines.filter { $0.uid == 1000 && $0.event == "open" }.map(\.path)),
                       ["projects/demo/bin/id-suid", "projects/demo/mine.txt", "projects/demo/public.txt"],
                       "opens by uid 1000")
        sweep(fx, hidden: [".ssh"], readFiles: true)
    }

    func testWithoutAllowOtherAnotherUserGetsNothing() throws {
        let fx = try makeFixture()
        XCTAssertEqual(chmod(fx.directory, 0o755), 0)
        try fx.tree.file("projects/demo/public.txt", "public\n")
        try fx.tree.file("projects/demo/probe.txt", "probe\n")
        try secret(fx, ".ssh/id_ed25519")
        try fx.mountLive(["--allow", "**"])
        let v = fx.mountpoint

        for argv in [["/bin/cat", v + "/projects/demo/public.txt"], ["/bin/ls", v], ["/usr/bin/stat", v + "/projects"],
                     ["/bin/cat", v + "/.ssh/id_ed25519"], ["/usr/bin/find", v]] {
            let r = try runAsAgent(fx, argv)
            XCTAssertNotEqual(r.termination, .exited(0), "uid 1000 ran \(argv) on a view without --allow-other")
            XCTAssertTrue(r.stderr.contains("Permission denied"), "\(argv): \(r.stderr)")
            assertNoMarker(r.stdout, "\(argv) as uid 1000")
            XCTAssertFalse(r.text.contains("public") || r.text.contains("projects/demo"), "\(argv) printed \(r.text)")
        }
        let lines = AgentAuditLog.barrier(log: fx.log, view: v, file: "projects/demo/probe.txt") ?? []
        XCTAssertFalse(lines.isEmpty, "the barrier read was never logged")
        XCTAssertEqual(lines.filter { $0.uid == 1000 }.map(\.description), [], "gatefs saw requests of uid 1000")
    }
}
