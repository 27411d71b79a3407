import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter
@testable import gatefs

@Suite struct PresentationTests {
    private func record(_ json: String, seq: Int = 1) throws -> AuditRecord {
        try AuditRecord(line: Array("{\(json),\"seq\":\(seq),\"hash\":\"\(String(repeating: "0", count: 64))\"}".utf8))
    }

    @Test func humanLinesAreAlignedAndTerminalSafe() throws {
        let formatter = AuditFormatter(color: false, utc: true)
        let read = try record(#""time":"2026-11-23T09:01:02.123456Z","event":"read","path":"notes/todo.md","pid":1234,"uid":1,"gid":1,"process":"cat","handle":17,"offset":0,"size":131072,"bytes":4096"#)
        #expect(formatter.format(read) == "2026-11-23 09:01:02.123  read         cat[1234]            notes/todo.md  h17 4.0 KiB at 0 (asked 128.0 KiB)")
        let evil = try record(#""time":"2026-11-23T09:01:02.123456Z","event":"deny","path":"a\u001b[2Jb\nc","pid":1,"uid":1,"gid":1,"op":"lookup","rule":"secret:ssh","errno":"ENOENT""#)
        let line = formatter.format(evil)
        #expect(!line.contains("\u{1B}") && !line.contains("\n"))
        #expect(line.contains(#"a\x1b[2Jb\nc"#))
        #expect(line.contains("lookup secret:ssh → ENOENT"))
        let colored = AuditFormatter(color: true, utc: true).format(evil)
        #expect(colored.contains("\u{1B}[1;31m"))
    }

    @Test func humanSizes() {
        #expect(AuditFormatter.humanBytes(0) == "0 B")
        #expect(AuditFormatter.humanBytes(1023) == "1023 B")
        #expect(AuditFormatter.humanBytes(1536) == "1.5 KiB")
        #expect(AuditFormatter.humanBytes(64 << 20) == "64.0 MiB")
        #expect(AuditFormatter.humanDuration(850) == "850 µs")
        #expect(AuditFormatter.humanDuration(12_500) == "12.5 ms")
    }

    @Test func summaryCountsBytesOpensDenialsAndProcesses() throws {
        var summary = AuditSummary()
        let lines = [
            #""time":"2026-11-23T09:00:00.000000Z","event":"mount","path":".","pid":1,"uid":1,"gid":1,"source":"/h","mountpoint":"/m","options":[],"policy":"p","rules":1"#,
            #""time":"2026-11-23T09:00:01.000000Z","event":"open","path":"a","pid":5,"uid":1,"gid":1,"process":"cat","flags":"r","handle":1,"result":"ok""#,
            #""time":"2026-11-23T09:00:02.000000Z","event":"read","path":"a","pid":5,"uid":1,"gid":1,"process":"cat","handle":1,"offset":0,"size":4096,"bytes":4096"#,
            #""time":"2026-11-23T09:00:03.000000Z","event":"close","path":"a","pid":5,"uid":1,"gid":1,"process":"cat","handle":1,"reads":1,"bytes":4096"#,
            #""time":"2026-11-23T09:00:04.000000Z","event":"open","path":"b","pid":6,"uid":1,"gid":1,"process":"grep","flags":"r","handle":2,"result":"ok""#,
            #""time":"2026-11-23T09:00:05.000000Z","event":"read","path":"b","pid":6,"uid":1,"gid":1,"process":"grep","handle":2,"offset":0,"size":4096,"bytes":100"#,
            #""time":"2026-11-23T09:00:06.000000Z","event":"deny","path":".ssh","pid":6,"uid":1,"gid":1,"process":"grep","op":"lookup","rule":"secret:ssh","errno":"ENOENT""#,
            #""time":"2026-11-23T09:00:07.000000Z","event":"deny","path":".aws","pid":6,"uid":1,"gid":1,"process":"grep","op":"lookup","rule":"secret:aws","errno":"ENOENT""#,
            #""time":"2026-11-23T09:00:08.000000Z","event":"deny","path":".ssh","pid":5,"uid":1,"gid":1,"process":"cat","op":"lookup","rule":"secret:ssh","errno":"ENOENT""#,
        ]
        for (index, json) in lines.enumerated() { summary.add(try record(json, seq: index + 1)) }
        summary.finish()
        #expect(summary.paths["a"] == AuditSummary.PathStats(opens: 1, failedOpens: 0, bytes: 4096, denials: 0))
        #expect(summary.paths["b"]?.bytes == 100)  // never closed: counted from its reads
        #expect(summary.denialsByRule == ["secret:ssh": 2, "secret:aws": 1])
        #expect(summary.processes["grep"] == AuditSummary.ProcessStats(opens: 1, bytes: 100, denials: 2, events: 4))
        let text = summary.render()
        #expect(text.contains("9 lines"))
        #expect(text.contains("4.0 KiB"))
        #expect(text.contains("      2  secret:ssh"))
    }
}
