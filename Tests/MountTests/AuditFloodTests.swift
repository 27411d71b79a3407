import Foundation
import Glibc
import XCTest

/// Finding 8 through a real mount: an agent that stats a hidden name in a
/// loop must not be able to rotate its own history out of the log.
/// Identical denials are coalesced into a few lines whose counts add up.
///
/// The kernel may answer some repeats from its own cache (a negative entry)
/// without asking the daemon, so the test bounds the lines and checks the
/// counts are consistent, not that they equal the number of stats.
final class AuditFloodTests: MountTestCase {
    func testAStatLoopOnAHiddenNameCannotFlushTheLog() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        // Small files and keep = 1: without coalescing, 50,000 deny lines
        // (~12 MiB) would rotate the mount line away many times over.
        let config = try fx.writeConfig("[log]\nrotate_bytes = 65536\nkeep = 1\n")
        try fx.mountLive(["--config", config, "--allow", "**"])

        let hidden = fx.mountpoint + "/.ssh"
        let started = Date()
        var refused = 0
        for _ in 0..<50_000 where Posix.lstatError(hidden) == ENOENT { refused += 1 }
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(refused, 50_000, "every stat of the hidden name must fail with ENOENT")
        // Unmounting writes the counts still open.
        XCTAssertEqual(try fx.unmount().exitCode, 0)

        let log = AuditTestLog(fx.log)
        assertNoProblems(log.shapeProblems(), "log shape")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fx.log + ".1"), "the denial loop rotated the log")
        XCTAssertEqual(log.lines.prefix(2).map(\.event), ["header", "mount"], "the session's first lines are gone")
        let denies = log.lines.filter { $0.event == "deny" && $0.path == ".ssh" }
        // One caller (this thread): at most a plain line and a count line
        // per 10-second window, plus the windows cut at unmount.
        let bound = 2 * (Int(elapsed / 10) + 2)
        XCTAssertGreaterThanOrEqual(denies.count, 1, "no deny line at all for \(refused) refused stats")
        XCTAssertLessThanOrEqual(denies.count, bound, "\(denies.count) deny lines in \(Int(elapsed)) s: not coalesced")
        XCTAssertEqual(Set(denies.map(\.pid)).count, 1, "one calling thread: \(Set(denies.map(\.pid)))")
        XCTAssertTrue(denies.allSatisfy { $0.rule == "secret:ssh" && $0.op == "lookup" && $0.errno == "ENOENT" }, "\(denies)")
        // Each count line follows a plain line of its window, and no count can
        // exceed what was asked.
        XCTAssertNil(denies.first?.repeatCount, "the first denial must be written as it happens: \(denies.first.map(\.description) ?? "")")
        let total = denies.reduce(0) { $0 + $1.denials }
        XCTAssertGreaterThanOrEqual(total, 1)
        XCTAssertLessThanOrEqual(total, 50_000, "more denials counted than stats made")
        for line in denies where line.repeatCount != nil {
            XCTAssertNotNil(line.firstRepeat, "\(line)")
            XCTAssertNotNil(line.lastRepeat, "\(line)")
            XCTAssertLessThanOrEqual(line.firstRepeat?.rfc3339 ?? "", line.lastRepeat?.rfc3339 ?? "", "\(line)")
        }

        // The summary counts every denial, and the whole chain verifies from its start.
        let summary = try fx.gatefs(["log", "summary", fx.log])
        XCTAssertEqual(summary.exitCode, 0, "\(summary)")
        let rows = summary.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertTrue(rows.contains(["\(total)", "secret:ssh"]), "summary should count \(total) denials by secret:ssh:\n\(summary.stdout)")
        let verify = try fx.gatefs(["log", "verify", "--strict", fx.log])
        XCTAssertEqual(verify.exitCode, 0, "\(verify)")
    }

    /// The first denial is visible to `gatefs log -f` at once, not when its
    /// window closes.
    func testTheFirstDenialReachesTheFileAtOnce() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        try fx.mountLive(["--allow", "**"])
        for _ in 0..<100 { _ = Posix.lstatError(fx.mountpoint + "/.aws") }
        let log = AuditTestLog.wait(fx.log, timeout: 5) { $0.contains { $0.event == "deny" && $0.path == ".aws" } }
        XCTAssertNotNil(log, "the first deny line was not written within 5 s:\n\(AuditTestLog(fx.log).rawLines.joined(separator: "\n"))")
        XCTAssertEqual(log?.lines.filter { $0.event == "deny" && $0.path == ".aws" }.first?.repeatCount, nil)
    }
}
