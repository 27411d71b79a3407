import Foundation
import GateAuditReader
import Glibc
import XCTest

/// `gatefs log` on logs that real mounts wrote: the filters pick exactly
/// the lines they promise (checked against the raw lines, since `--json`
/// passes them through unchanged), `summary` reports what was read and
/// denied, and `verify` catches an edited, a deleted and a reordered line.
final class AuditLogCommandTests: MountTestCase {
    func testFiltersAndSummaryOnALiveLog() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        try fx.sizedFile("projects/demo/a.txt", 700)
        try fx.sizedFile("projects/demo/b.txt", 5 * 1024, seed: 2)
        try fx.mountLive(["--allow", "**"])
        let view = fx.mountpoint

        // Phase A.
        let catA = try fx.runChild(["/bin/cat", view + "/projects/demo/a.txt"])
        let wc = try fx.runChild(["/usr/bin/wc", "-c", view + "/notes.txt"])
        let lsSSH = try fx.runChild(["/bin/ls", view + "/.ssh"])
        let catAWS = try fx.runChild(["/bin/cat", view + "/.aws/credentials"])
        let lsDemo = try fx.runChild(["/bin/ls", view + "/projects/demo"])
        XCTAssertEqual([catA.end, wc.end, lsDemo.end], [.exited(0), .exited(0), .exited(0)])
        XCTAssertNotEqual(lsSSH.end, .exited(0))
        XCTAssertNotEqual(catAWS.end, .exited(0))
        guard AuditTestLog.wait(fx.log, until: { lines in
            ["projects/demo/a.txt", "notes.txt"].allSatisfy { p in lines.contains { $0.event == "close" && $0.path == p } }
        }) != nil else { return XCTFail("phase A never fully logged:\n\(AuditTestLog(fx.log).rawLines.joined(separator: "\n"))") }

        // A whole second more than 3 s after phase A, and phase B after it.
        let mark = floor(Date().timeIntervalSince1970) + 4
        usleep(useconds_t(max(0, mark - Date().timeIntervalSince1970 + 0.05) * 1_000_000))
        let catB = try fx.runChild(["/bin/cat", view + "/projects/demo/b.txt"])
        let catEnv = try fx.runChild(["/bin/cat", view + "/projects/demo/.env"])
        XCTAssertEqual(catB.end, .exited(0))
        XCTAssertNotEqual(catEnv.end, .exited(0))
        guard let log = AuditTestLog.wait(fx.log, until: { lines in
            lines.contains { $0.event == "close" && $0.path == "projects/demo/b.txt" }
                && lines.contains { $0.event == "deny" && $0.path == "projects/demo/.env" }
        }) else { return XCTFail("phase B never fully logged:\n\(AuditTestLog(fx.log).rawLines.joined(separator: "\n"))") }
        assertNoProblems(log.shapeProblems(), "log shape")

        // --since as a span: it reaches back past the mark but not to phase A,
        // with up to 2 s of slack for gatefs to start.
        let span = Int((Date().timeIntervalSince1970 - mark).rounded(.up)) + 2
        let markText = Self.rfc3339(mark)
        assertFilter(fx, log, ["--since", "\(span)s"], "--since \(span)s") { Self.atOrAfter($0, markText) }
        assertFilter(fx, log, ["--since", markText], "--since \(markText)") { Self.atOrAfter($0, markText) }
        assertFilter(fx, log, ["--since", "10m"], "--since 10m") { _ in true }
        assertFilter(fx, log, ["--denied"], "--denied") {
            $0.event == "deny" || ($0.event == "open" && ["EACCES", "EPERM"].contains($0.result ?? ""))
        }
        assertFilter(fx, log, ["--event", "open"], "--event open") { $0.event == "open" }
        assertFilter(fx, log, ["--path", "projects/*"], "--path 'projects/*'") { $0.path.hasPrefix("projects/") }
        assertFilter(fx, log, ["--process", "cat"], "--process cat") { $0.process == "cat" }
        assertFilter(fx, log, ["--pid", "\(catA.pid)"], "--pid") { $0.pid == catA.pid }
        assertFilter(fx, log, ["--event", "open", "--process", "wc"], "--event open --process wc") { $0.event == "open" && $0.process == "wc" }

        // The filters must have had something to choose from.
        XCTAssertEqual(Set(log.lines.filter { $0.pid == catA.pid }.map(\.event)), ["open", "read", "close"], "lines of the first cat")
        XCTAssertEqual(Set(log.lines.filter { $0.event == "deny" }.compactMap(\.rule)), ["secret:ssh", "secret:aws", "secret:env"])
        XCTAssertTrue(log.lines.contains { !Self.atOrAfter($0, markText) } && log.lines.contains { Self.atOrAfter($0, markText) })
        XCTAssertTrue(log.lines.contains { $0.event == "readdir" && $0.path == "projects/demo" && $0.process == "ls" })
        XCTAssertTrue(log.lines.contains { $0.process == "wc" })

        // summary: bytes and opens per file, denials by rule.
        let summary = try fx.gatefs(["log", "summary", fx.log])
        XCTAssertEqual(summary.exitCode, 0, "\(summary)")
        let rows = summary.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        for (path, bytes) in [("projects/demo/a.txt", ["700", "B"]), ("projects/demo/b.txt", ["5.0", "KiB"])] {
            XCTAssertTrue(rows.contains(bytes + ["1", "open", path]), "summary has no '\(bytes.joined(separator: " ")) 1 open \(path)' row:\n\(summary.stdout)")
        }
        // A deny line with `repeat` stands for that many denials.
        let denials = Dictionary(grouping: log.lines.filter { $0.event == "deny" }, by: { $0.rule ?? "?" })
            .mapValues { $0.reduce(0) { $0 + $1.denials } }
        for (rule, count) in denials {
            XCTAssertTrue(rows.contains(["\(count)", rule]), "summary has no '\(count) \(rule)' row:\n\(summary.stdout)")
        }
        XCTAssertTrue(summary.stdout.contains("Denials by rule"), summary.stdout)
    }

    func testVerifyNamesAnEditedADeletedAndAReorderedLineOfARealLog() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "alpha\n")
        try fx.tree.file("projects/demo/b.txt", "bravo\n")
        try fx.mountLive(["--allow", "projects/**"])
        for name in ["a.txt", "b.txt", "a.txt"] {
            XCTAssertEqual(try fx.runChild(["/bin/cat", fx.mountpoint + "/projects/demo/" + name]).end, .exited(0))
        }
        XCTAssertEqual(try fx.unmount().exitCode, 0)
        let log = AuditTestLog(fx.log)
        assertNoProblems(log.shapeProblems(), "log shape")
        guard let k = log.lines.firstIndex(where: { $0.event == "open" && $0.path == "projects/demo/a.txt" }).map({ $0 + 1 }),
              k + 1 < log.rawLines.count else { return XCTFail("no open line to tamper with:\n\(log.rawLines)") }

        let copies = TreeBuilder(root: fx.directory + "/copies")
        var edited = log.rawLines
        edited[k - 1] = edited[k - 1].replacingOccurrences(of: "\"path\":\"projects/demo/a.txt\"", with: "\"path\":\"projects/demo/z.txt\"")
        XCTAssertNotEqual(edited[k - 1], log.rawLines[k - 1])
        XCTAssertNotNil(AuditRecord.parse(edited[k - 1]), "the edit must keep the line valid JSON")
        var deleted = log.rawLines
        deleted.remove(at: k - 1)
        var reordered = log.rawLines
        reordered.swapAt(k - 1, k)
        let cases: [(name: String, lines: [String], code: Int32, says: String)] = [
            ("intact", log.rawLines, 0, "OK: \(log.lines.count) lines"),
            ("edited", edited, 1, ":\(k): hash does not match"),
            ("deleted", deleted, 1, ":\(k): expected seq \(k), found \(k + 1); line with seq \(k) is missing"),
            ("reordered", reordered, 1, ":\(k): expected seq \(k), found \(k + 1); lines are out of order"),
        ]
        for c in cases {
            try copies.file(c.name + ".jsonl", c.lines.map { $0 + "\n" }.joined())
            let path = copies.path(c.name + ".jsonl")
            let verify = try fx.gatefs(["log", "verify", path])
            XCTAssertEqual(verify.exitCode, c.code, "\(c.name):\n\(verify)")
            let expected = c.code == 0 ? c.says : "BROKEN: " + path + c.says
            XCTAssertTrue(verify.stdout.hasPrefix(expected), "\(c.name): expected '\(expected)':\n\(verify)")
        }
    }

    /// `gatefs log LOG --json ARGS` prints exactly the raw lines `predicate` picks, in order.
    private func assertFilter(
        _ fx: MountFixture, _ log: AuditTestLog, _ arguments: [String], _ label: String,
        file: StaticString = #filePath, line: UInt = #line, _ predicate: (AuditRecord) -> Bool
    ) {
        do {
            let result = try fx.gatefs(["log", fx.log, "--json"] + arguments)
            XCTAssertEqual(result.exitCode, 0, "\(label):\n\(result)", file: file, line: line)
            let got = result.stdout.split(separator: "\n").map(String.init)
            let want = log.lines.filter(predicate).map(\.description)
            XCTAssertFalse(want.isEmpty, "\(label): the log has no line to match", file: file, line: line)
            if got != want {
                XCTFail("""
                    \(label): \(got.count) lines printed, \(want.count) expected
                    extra:   \(got.filter { !want.contains($0) }.prefix(3))
                    missing: \(want.filter { !got.contains($0) }.prefix(3))
                    """, file: file, line: line)
            }
        } catch {
            XCTFail("\(label): \(error)", file: file, line: line)
        }
    }

    /// Whether the line's time is at or after `mark`, a whole second: the
    /// seconds prefix decides, as both are UTC in the same layout.
    static func atOrAfter(_ line: AuditRecord, _ mark: String) -> Bool {
        line.time.rfc3339.prefix(19) >= mark.prefix(19)
    }

    /// Whole seconds since the epoch as `2026-11-23T09:01:02Z`.
    static func rfc3339(_ seconds: Double) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
