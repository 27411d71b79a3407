import Foundation
import Glibc
import XCTest

/// Where the log may live: created private, hidden from the view when it
/// lies in the source (rotated files and lock included), refused inside
/// the view.
final class AuditLogFileTests: MountTestCase {
    func testLogAndItsNewDirectoriesArePrivate() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        let log = fx.directory + "/new-state/gatefs/access.jsonl"
        try fx.mountLive(["--allow", "projects/**"], log: log)

        guard let st = Posix.lstatInfo(log) else { return XCTFail("no log at \(log)") }
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFREG)
        XCTAssertEqual(st.st_mode & 0o7777, 0o600, "log mode \(String(st.st_mode & 0o7777, radix: 8))")
        XCTAssertEqual(st.st_uid, getuid())
        for dir in [fx.directory + "/new-state", fx.directory + "/new-state/gatefs"] {
            let mode = Posix.lstatInfo(dir).map { $0.st_mode & 0o7777 }
            XCTAssertEqual(mode, 0o700, "\(dir) mode \(mode.map { String($0, radix: 8) } ?? "missing")")
        }
        // Every file the writer creates starts with its header.
        XCTAssertEqual(AuditTestLog(log).lines.prefix(2).map(\.event), ["header", "mount"])
    }

    func testLogInsideTheSourceIsNotInTheViewEvenUnderAllowAll() throws {
        let fx = try makeFixture()
        for i in 0..<20 {
            try fx.tree.file("projects/demo/f\(i).txt", "file \(i)\n")
        }
        try fx.tree.file("notes.txt", "notes\n")
        let log = fx.source + "/access.jsonl"
        let config = try fx.writeConfig("[log]\nrotate_bytes = 4096\nkeep = 3\n")
        try fx.mountLive(["--config", config, "--allow", "**"], log: log)
        let view = fx.mountpoint

        // Enough use to rotate once, so the rotated file exists too.
        var used = 0
        while used < 20 && access(log + ".1", F_OK) != 0 {
            XCTAssertEqual(try fx.runChild(["/bin/cat", view + "/projects/demo/f\(used).txt"]).end, .exited(0))
            used += 1
            usleep(50_000)
        }
        XCTAssertEqual(access(log + ".1", F_OK), 0, "the log never rotated")
        XCTAssertEqual(access(log + ".lock", F_OK), 0, "no lock file next to the log")

        assertListing(view, ["notes.txt", "projects"])
        for name in ["access.jsonl", "access.jsonl.1", "access.jsonl.lock"] {
            assertAbsent(view + "/" + name)
            assertErrno(ENOENT, "open \(name) through the view", closingResult: true) { open(view + "/" + name, O_RDONLY) }
        }
        XCTAssertFalse(try fx.find(view).contains { $0.hasPrefix("access") }, "find VIEW shows the log")
        let cat = try fx.run(["/bin/cat", view + "/access.jsonl"])
        XCTAssertNotEqual(cat.exitCode, 0, "\(cat)")
        XCTAssertFalse(cat.stdout.contains("\"event\""), "the log's content came through the view")
    }

    /// The same log reached through a symlink to the source, in a directory
    /// the daemon creates: it is still inside the source and must stay hidden.
    func testLogInANewDirectoryReachedThroughASymlinkToTheSourceIsNotInTheView() throws {
        let fx = try makeFixture()
        for i in 0..<20 {
            try fx.tree.file("projects/demo/f\(i).txt", "file \(i)\n")
        }
        XCTAssertEqual(symlink(fx.source, fx.directory + "/source-link"), 0)
        let log = fx.directory + "/source-link/new-state/access.jsonl"
        let config = try fx.writeConfig("[log]\nrotate_bytes = 4096\nkeep = 3\n")
        try fx.mountLive(["--config", config, "--allow", "**"], log: log)
        let view = fx.mountpoint

        var used = 0
        while used < 20 && access(fx.source + "/new-state/access.jsonl.1", F_OK) != 0 {
            XCTAssertEqual(try fx.runChild(["/bin/cat", view + "/projects/demo/f\(used).txt"]).end, .exited(0))
            used += 1
            usleep(50_000)
        }
        XCTAssertEqual(access(fx.source + "/new-state/access.jsonl.1", F_OK), 0, "the log never rotated")
        for name in ["access.jsonl", "access.jsonl.1", "access.jsonl.lock"] {
            assertAbsent(view + "/new-state/" + name)
        }
        let visible = try fx.find(view).filter { $0.contains("access.jsonl") }
        XCTAssertEqual(visible, [], "the agent can see (and read) the audit log through the view")
    }

    func testLogInsideTheMountpointIsRefusedWithExitTwo() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        // Directly, and through a symlink that resolves into the mountpoint.
        XCTAssertEqual(symlink(fx.mountpoint, fx.directory + "/view-link"), 0)
        for log in [fx.mountpoint + "/access.jsonl", fx.directory + "/view-link/access.jsonl"] {
            let result = try fx.mount(["--allow", "**"], log: log)
            XCTAssertEqual(result.exitCode, 2, "--log \(log):\n\(result)")
            XCTAssertTrue(result.stderr.contains("inside the view"), "--log \(log): the message should say why:\n\(result)")
            XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "--log \(log) mounted anyway")
            assertListing(fx.mountpoint, [])
        }
    }

    /// Inside the mountpoint through a symlink, in a directory that does not
    /// exist yet: the daemon would create it in the mountpoint directory and
    /// mount over it, hiding the log from its owner.
    func testLogInANewDirectoryInsideTheMountpointThroughASymlinkIsRefused() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        XCTAssertEqual(symlink(fx.mountpoint, fx.directory + "/view-link"), 0)
        let log = fx.directory + "/view-link/new-state/access.jsonl"
        let result = try fx.mount(["--allow", "**"], log: log)
        XCTAssertEqual(result.exitCode, 2, "--log \(log):\n\(result)")
        XCTAssertTrue(result.stderr.contains("inside the view"), "the message should say why:\n\(result)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "--log \(log) mounted anyway")
        if KernelMounts.isMounted(fx.mountpoint) {
            XCTAssertEqual(try fx.unmount().exitCode, 0)
        }
        assertListing(fx.mountpoint, [])
    }
}
