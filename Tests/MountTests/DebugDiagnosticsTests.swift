import Foundation
import Glibc
import XCTest

/// `mount --debug`: the daemon's diagnostics go to stderr in the foreground
/// and to `--debug-log FILE` in the background, never into the audit log;
/// without --debug the daemon prints nothing more than it always did.
final class DebugDiagnosticsTests: MountTestCase {
    /// What every --debug session writes, by the end of its unmount.
    static let expectedLines = [
        "debug: mount plan ", "debug: policy ", "debug: descriptors ", "debug: secret scan ",
        "debug: session started ", "debug: session stopped",
    ]

    func testForegroundDebugWritesDiagnosticsToStderrAndNothingOfItToTheAuditLog() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        let daemon = try startForeground(fx, ["--debug"])
        assertSameBytes(fx.mountpoint + "/projects/demo/a.txt", fx.source + "/projects/demo/a.txt")
        XCTAssertEqual(try fx.unmount().exitCode, 0)
        XCTAssertEqual(daemon.wait(timeout: 30), .exited(0), daemon.report)

        let stderr = daemon.stderr
        for expected in Self.expectedLines {
            XCTAssertTrue(stderr.contains(expected), "no '\(expected)' on the foreground daemon's stderr:\n\(daemon.report)")
        }
        XCTAssertTrue(stderr.contains("source=\(fx.source)"), "the plan summary names the source:\n\(stderr)")
        assertAuditLogHoldsNoDiagnostics(fx)
    }

    func testBackgroundDebugLogGetsTheDiagnosticsAndNotTheStarterNorTheAuditLog() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        let debugLog = fx.directory + "/debug.log"
        let mount = try fx.mountLive(["--allow", "**", "--debug-log", debugLog])
        XCTAssertFalse(mount.stderr.contains("debug:"), "diagnostics reached the starter's stderr:\n\(mount)")
        assertSameBytes(fx.mountpoint + "/projects/demo/a.txt", fx.source + "/projects/demo/a.txt")
        XCTAssertEqual(try fx.unmount().exitCode, 0)

        let text = (try? String(contentsOfFile: debugLog, encoding: .utf8)) ?? ""
        for expected in Self.expectedLines {
            XCTAssertTrue(text.contains(expected), "no '\(expected)' in \(debugLog):\n\(text)")
        }
        assertAuditLogHoldsNoDiagnostics(fx)
    }

    /// A debug log inside the source is hidden from the view, like the audit log.
    func testADebugLogInsideTheSourceIsHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.mountLive(["--allow", "**", "--debug-log", fx.source + "/gatefs-debug.log"])
        assertListing(fx.mountpoint, ["projects"])
        assertAbsent(fx.mountpoint + "/gatefs-debug.log")
        XCTAssertEqual(Posix.lstatError(fx.source + "/gatefs-debug.log"), 0, "the debug log was not written")
    }

    func testDebugWithoutAnUsableFileInTheBackgroundMountsNothing() throws {
        let fx = try makeFixture()
        try fx.tree.file("a.txt", "a\n")
        let noFile = try fx.mount(["--allow", "**", "--debug"])
        XCTAssertEqual(noFile.exitCode, 2, "\(noFile)")
        XCTAssertTrue(noFile.stderr.contains("--debug-log FILE"), "\(noFile)")

        let unopenable = fx.directory + "/no-such-directory/debug.log"
        let cannotOpen = try fx.mount(["--allow", "**", "--debug-log", unopenable])
        XCTAssertEqual(cannotOpen.exitCode, 1, "\(cannotOpen)")
        XCTAssertTrue(cannotOpen.stderr.contains("cannot open the debug log \(unopenable)"), "\(cannotOpen)")

        let intoAuditLog = try fx.mount(["--allow", "**", "--debug-log", fx.log])
        XCTAssertEqual(intoAuditLog.exitCode, 2, "\(intoAuditLog)")
        XCTAssertEqual(KernelMounts.mounts(under: fx.directory).map(\.mountpoint), [], "something was mounted")
    }

    func testWithoutDebugTheForegroundDaemonPrintsNothing() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        let daemon = try startForeground(fx, [])
        assertListing(fx.mountpoint, ["projects"])
        XCTAssertEqual(try fx.unmount().exitCode, 0)
        XCTAssertEqual(daemon.wait(timeout: 30), .exited(0), daemon.report)
        XCTAssertEqual(daemon.stderr, "", daemon.report)
    }

    /// `gatefs mount --foreground ARGS` with its stderr in a file, once the view answers.
    private func startForeground(_ fx: MountFixture, _ arguments: [String]) throws -> BackgroundCommand {
        fx.register(mountpoint: fx.mountpoint)
        let daemon = try BackgroundCommand(
            [fx.binary, "mount", "--foreground", "--source", fx.source, "--allow", "**", "--log", fx.log]
                + arguments + [fx.mountpoint],
            environment: fx.environment, outputDirectory: fx.directory)
        addTeardownBlock { daemon.stop() }
        let deadline = Date().addingTimeInterval(30)
        while KernelMounts.mount(at: fx.mountpoint)?.fsType != "fuse.gatefs" || (try? fx.statusEntry())?.state != "live" {
            guard ProcFS.isRunning(daemon.pid), Date() < deadline else {
                throw MountFixture.Failure(description: "the foreground view never became live:\n\(daemon.report)")
            }
            usleep(20_000)
        }
        return daemon
    }

    /// Every audit line is an audit record (a JSON object with an event and
    /// a seq), none carries a diagnostic, and the chain verifies.
    private func assertAuditLogHoldsNoDiagnostics(_ fx: MountFixture, file: StaticString = #filePath, line: UInt = #line) {
        let text = (try? String(contentsOfFile: fx.log, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n")
        XCTAssertFalse(lines.isEmpty, "the audit log is empty", file: file, line: line)
        for auditLine in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(auditLine.utf8)) as? [String: Any]
            XCTAssertTrue(object?["event"] is String && object?["seq"] != nil,
                          "not an audit record: \(auditLine)", file: file, line: line)
            XCTAssertFalse(auditLine.contains("debug:") || auditLine.contains("mount plan"),
                           "a diagnostic in the audit log: \(auditLine)", file: file, line: line)
        }
        let verify = try? fx.gatefs(["log", "verify", fx.log])
        XCTAssertEqual(verify?.exitCode, 0, "\(verify.map(String.init(describing:)) ?? "log verify did not run")",
                       file: file, line: line)
    }
}
