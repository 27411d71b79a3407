import Foundation
import GateAuditReader
import Glibc
import XCTest

/// What real programs leave in the audit log: `cat` gives one open, its
/// reads and one close; a hidden name gives a deny with the rule that hid
/// it; a name that does not exist gives nothing.
final class AuditEventTests: MountTestCase {
    /// Several MiB and not a multiple of any request size, so the kernel
    /// splits it into several reads and the last one is short.
    static let bigSize = 3 * 1024 * 1024 + 12_345
    static let bigFile = "projects/demo/data.bin"

    func testCatLogsOneOpenItsReadsAndOneCloseWithTheTotals() throws {
        let fx = try makeFixture()
        try fx.sizedFile(Self.bigFile, Self.bigSize)
        try fx.mountLive(["--allow", "projects/**"])

        let cat = try fx.runChild(["/bin/cat", fx.mountpoint + "/" + Self.bigFile])
        XCTAssertEqual(cat.end, .exited(0))
        guard let log = AuditTestLog.wait(fx.log, forLine: { $0.event == "close" && $0.path == Self.bigFile }) else {
            return XCTFail("no close line for \(Self.bigFile):\n\(AuditTestLog(fx.log).rawLines.joined(separator: "\n"))")
        }
        assertCatOfBigFile(log.lines, catPID: cat.pid)
    }

    func testSecondCatLogsOpenAndReadsAgain() throws {
        let fx = try makeFixture()
        try fx.sizedFile(Self.bigFile, Self.bigSize)
        try fx.mountLive(["--allow", "projects/**"])

        let first = try fx.runChild(["/bin/cat", fx.mountpoint + "/" + Self.bigFile])
        guard AuditTestLog.wait(fx.log, forLine: { $0.event == "close" && $0.path == Self.bigFile }) != nil else {
            return XCTFail("no close line after the first cat")
        }
        let second = try fx.runChild(["/bin/cat", fx.mountpoint + "/" + Self.bigFile])
        XCTAssertEqual(first.end, .exited(0))
        XCTAssertEqual(second.end, .exited(0))
        guard let log = AuditTestLog.wait(fx.log, until: { $0.filter { $0.event == "close" && $0.path == Self.bigFile }.count >= 2 }) else {
            return XCTFail("no second close line:\n\(AuditTestLog(fx.log).rawLines.joined(separator: "\n"))")
        }
        let opens = log.lines.filter { $0.event == "open" && $0.path == Self.bigFile }
        XCTAssertEqual(opens.map(\.pid), [first.pid, second.pid], "one open per cat, in order")
        XCTAssertEqual(Set(opens.compactMap(\.handle)).count, 2, "each open has its own handle: \(opens)")
        // The second cat is not served from the page cache: its reads reach the daemon too.
        for open in opens {
            let reads = log.lines.filter { $0.event == "read" && $0.handle == open.handle }
            XCTAssertGreaterThan(reads.count, 1, "read lines for handle \(open.handle ?? 0) (pid \(open.pid))")
            XCTAssertEqual(reads.reduce(0) { $0 + ($1.bytes ?? 0) }, UInt64(Self.bigSize), "bytes read by pid \(open.pid)")
        }
        assertNoProblems(AuditHandleLedger(log.lines).problems(), "handle accounting")
    }

    func testSummaryModeLogsTheCloseTotalsAndNoReads() throws {
        let fx = try makeFixture()
        try fx.sizedFile(Self.bigFile, Self.bigSize)
        let config = try fx.writeConfig("[log]\nreads = \"summary\"\n")
        try fx.mountLive(["--config", config, "--allow", "projects/**"])

        let cat = try fx.runChild(["/bin/cat", fx.mountpoint + "/" + Self.bigFile])
        XCTAssertEqual(cat.end, .exited(0))
        guard let log = AuditTestLog.wait(fx.log, forLine: { $0.event == "close" && $0.path == Self.bigFile }) else {
            return XCTFail("no close line in summary mode:\n\(AuditTestLog(fx.log).rawLines.joined(separator: "\n"))")
        }
        XCTAssertEqual(log.lines.filter { $0.event == "read" }.count, 0, "read lines with reads = \"summary\"")
        let opens = log.lines.filter { $0.event == "open" && $0.path == Self.bigFile }
        let closes = log.lines.filter { $0.event == "close" && $0.path == Self.bigFile }
        XCTAssertEqual(opens.count, 1, "\(opens)")
        XCTAssertEqual(closes.count, 1, "\(closes)")
        guard let open = opens.first, let close = closes.first else { return }
        XCTAssertEqual(open.process, "cat")
        XCTAssertEqual(close.handle, open.handle)
        XCTAssertEqual(close.bytes, UInt64(Self.bigSize), "close bytes in summary mode")
        XCTAssertGreaterThan(close.reads ?? 0, 1, "close reads in summary mode: \(close)")
        assertNoProblems(AuditHandleLedger(log.lines).problems(readLines: false), "handle accounting")
    }

    func testHiddenNamesGiveADenyWithTheirRuleAndMissingNamesGiveNone() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        try fx.tree.file("projects/demo/barrier.txt", "barrier\n")
        try fx.mountLive(["--allow", "**"])
        let view = fx.mountpoint

        let ls = try fx.runChild(["/bin/ls", view + "/.ssh"])
        let aws = try fx.runChild(["/bin/cat", view + "/.aws/credentials"])
        let env = try fx.runChild(["/bin/cat", view + "/projects/demo/.env"])
        // Names that are not in the source at all: shells probe many of these.
        let missingCat = try fx.runChild(["/bin/cat", view + "/projects/demo/no-such-file.txt"])
        let missingLs = try fx.runChild(["/bin/ls", view + "/.no-such-dir"])
        for (label, run) in [("ls .ssh", ls), ("cat .aws/credentials", aws), ("cat .env", env),
                             ("cat missing", missingCat), ("ls missing", missingLs)] {
            XCTAssertNotEqual(run.end, .exited(0), "\(label) must fail through the view")
        }
        // Events are queued in order: once this later open is on disk, so is every deny before it.
        guard AgentAuditLog.barrier(log: fx.log, view: view, file: "projects/demo/barrier.txt") != nil else {
            return XCTFail("the barrier read was never logged")
        }
        let log = AuditTestLog(fx.log)
        let expected: [(path: String, rule: String, process: String, pid: pid_t)] = [
            (".ssh", "secret:ssh", "ls", ls.pid),
            (".aws", "secret:aws", "cat", aws.pid),
            ("projects/demo/.env", "secret:env", "cat", env.pid),
        ]
        let denies = log.lines.filter { $0.event == "deny" }
        for e in expected {
            let mine = denies.filter { $0.path == e.path }
            XCTAssertFalse(mine.isEmpty, "no deny line for \(e.path); denies: \(denies)")
            for d in mine {
                XCTAssertEqual(d.rule, e.rule, "rule for \(e.path): \(d)")
                XCTAssertEqual(d.op, "lookup", "op for \(e.path): \(d)")
                XCTAssertEqual(d.errno, "ENOENT", "errno for \(e.path): \(d)")
                XCTAssertEqual(d.process, e.process, "process for \(e.path): \(d)")
                XCTAssertEqual(d.pid, e.pid, "pid for \(e.path): \(d)")
                XCTAssertEqual(d.uid, getuid(), "uid for \(e.path): \(d)")
            }
        }
        let unexpected = denies.filter { d in !expected.contains { $0.path == d.path } }
        XCTAssertTrue(unexpected.isEmpty, "deny lines for names that are not hidden (missing names must not be logged): \(unexpected)")
        XCTAssertTrue(log.lines.allSatisfy { !$0.path.contains("no-such") }, "a missing name was logged: \(log.lines.filter { $0.path.contains("no-such") })")
        assertNoProblems(log.shapeProblems(), "log shape")
    }

    /// One `open` by this `cat` (flags r, result ok), several `read`s that
    /// cover the file exactly once, and one `close` with their count and sum.
    private func assertCatOfBigFile(_ lines: [AuditRecord], catPID: pid_t, file: StaticString = #filePath, line: UInt = #line) {
        let opens = lines.filter { $0.event == "open" && $0.path == Self.bigFile }
        XCTAssertEqual(opens.count, 1, "open lines: \(opens)", file: file, line: line)
        guard let open = opens.first, let fh = open.handle else { return }
        XCTAssertEqual(open.process, "cat", file: file, line: line)
        XCTAssertEqual(open.pid, catPID, "open pid", file: file, line: line)
        XCTAssertEqual(open.uid, getuid(), file: file, line: line)
        XCTAssertEqual(open.flags, "r", file: file, line: line)
        XCTAssertEqual(open.result, "ok", file: file, line: line)
        XCTAssertNotEqual(fh, 0, "an ok open needs a handle", file: file, line: line)

        let reads = lines.filter { $0.event == "read" && $0.handle == fh }
        XCTAssertGreaterThan(reads.count, 1, "a \(Self.bigSize)-byte file in one read line?", file: file, line: line)
        XCTAssertTrue(reads.allSatisfy { $0.path == Self.bigFile && $0.process == "cat" }, "read lines: \(reads.prefix(3))", file: file, line: line)
        let total = reads.reduce(0) { $0 + ($1.bytes ?? 0) }
        XCTAssertEqual(total, UInt64(Self.bigSize), "sum of read bytes", file: file, line: line)
        // Every byte once: the returned ranges tile the file from 0.
        var next: UInt64 = 0
        for r in reads.sorted(by: { ($0.offset ?? 0) < ($1.offset ?? 0) }) where (r.bytes ?? 0) > 0 {
            XCTAssertEqual(r.offset, next, "read ranges overlap or leave a gap: \(r)", file: file, line: line)
            XCTAssertLessThanOrEqual(r.bytes ?? 0, r.size ?? 0, "bytes > size requested: \(r)", file: file, line: line)
            next = (r.offset ?? 0) + (r.bytes ?? 0)
        }

        let closes = lines.filter { $0.event == "close" && $0.path == Self.bigFile }
        XCTAssertEqual(closes.count, 1, "close lines: \(closes)", file: file, line: line)
        guard let close = closes.first else { return }
        XCTAssertEqual(close.handle, fh, file: file, line: line)
        XCTAssertEqual(close.reads, UInt64(reads.count), "close reads vs read lines", file: file, line: line)
        XCTAssertEqual(close.bytes, total, "close bytes vs read lines", file: file, line: line)
        XCTAssertEqual(close.process, "cat", "the close carries the opener's identity: \(close)", file: file, line: line)
        XCTAssertGreaterThan(close.seq, open.seq, file: file, line: line)
    }
}
