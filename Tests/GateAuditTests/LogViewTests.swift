import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter
@testable import gatefs

@Suite struct LogViewTests {
    @Test func showFiltersAndPassesJSONThroughUnchanged() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path))
        log.record(.mount(Fixture.mountInfo), path: [], caller: nil)
        log.record(.deny(op: "lookup", rule: "secret:ssh", errno: 2), path: Array(".ssh".utf8), caller: Fixture.agent)
        log.record(.readdir(entries: 3), path: [], caller: Fixture.agent)
        log.close(final: .unmount(Fixture.mountInfo))
        let raw = Fixture.rawLines(path)

        var json: [UInt8] = []
        try AuditLogView(filter: AuditFilter(deniedOnly: true), json: true, formatter: AuditFormatter(color: false))
            .show(path: path) { json += $0 }
        #expect(json == raw[2] + [0x0A])  // raw[0] is the header

        var human: [UInt8] = []
        try AuditLogView(filter: AuditFilter(), json: false, formatter: AuditFormatter(color: false, utc: true))
            .show(path: path) { human += $0 }
        let text = String(decoding: human, as: UTF8.self)
        #expect(text.split(separator: "\n").count == 5)
        #expect(text.contains("new file, start of the chain"))
        #expect(text.contains(".ssh  lookup secret:ssh → ENOENT"))
    }

    @Test func unreadableLinesAreShownNotHidden() {
        let view = AuditLogView(filter: AuditFilter(), json: false, formatter: AuditFormatter(color: false))
        let line = AuditLine(file: "f", number: 3, bytes: Array("garbage".utf8))
        let out = String(decoding: view.render(line) ?? [], as: UTF8.self)
        #expect(out.hasPrefix("?? f:3: unreadable line"))
        #expect(AuditLogView(filter: AuditFilter(), json: true, formatter: AuditFormatter(color: false)).render(line) == Array("garbage\n".utf8))
        #expect(AuditLogView(filter: AuditFilter(pid: 1), json: true, formatter: AuditFormatter(color: false)).render(line) == nil)
    }

    @Test func summaryLoadsAcrossRotatedFiles() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 50, rotateBytes: 2048, keep: 100)
        let summary = try AuditSummary.load(path: path)
        #expect(summary.lines == 52 + AuditFileSet.files(for: path).count)  // one header per file
        #expect(summary.eventCounts["open"] == 50)
        #expect(summary.paths.count == 50)
    }
}
