import Foundation
import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

@Suite struct FollowerTests {
    /// Polls until `count` lines arrived or the deadline passes.
    private func collect(_ follower: AuditFollower, count: Int, seconds: Double = 10) -> [AuditLine] {
        var lines: [AuditLine] = []
        let deadline = Date().addingTimeInterval(seconds)
        while lines.count < count && Date() < deadline {
            lines += follower.poll()
            if lines.count < count { usleep(20_000) }
        }
        return lines
    }

    @Test func picksUpAppendedLinesAndSurvivesRotation() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let follower = AuditFollower(path: path)
        #expect(follower.poll().isEmpty)  // not there yet

        // Small files: the writer rotates several times while we follow.
        let log = try AuditLog.open(Fixture.config(path, rotateBytes: 2048, keep: 10))
        log.record(.mount(Fixture.mountInfo), path: [], caller: nil)
        var seen = collect(follower, count: 2)
        #expect(seen.count == 2)  // the header and the mount line
        for index in 0..<60 {
            log.record(.open(mode: .read, handle: UInt64(index), errno: 0), path: Array("f\(index)".utf8), caller: Fixture.agent)
            if index % 7 == 0 { seen += follower.poll() }
        }
        log.close(final: .unmount(Fixture.mountInfo))
        let total = try AuditReader(path: path).readAll().last.map { try $0.parse().seq } ?? 0
        seen += collect(follower, count: Int(total) - seen.count)
        let records = try seen.map { try $0.parse() }
        #expect(records.map(\.seq) == Array(1...total))
        #expect(records.filter { $0.event != "header" && $0.event != "rotate" }.count == 62)
        #expect(records.last?.event == "unmount")
        #expect(AuditFileSet.files(for: path).count > 2)
        #expect(follower.poll().isEmpty)
    }

    @Test func waitsForAnUnfinishedLine() {
        let dir = TemporaryDirectory()
        let path = dir.file("log")
        Fixture.write(Array("one\ntw".utf8), to: path)
        let follower = AuditFollower(path: path)
        #expect(follower.poll().map(\.bytes) == [Array("one".utf8)])
        Fixture.append(Array("o\nthree\n".utf8), to: path)
        let next = follower.poll()
        #expect(next.map(\.bytes) == [Array("two".utf8), Array("three".utf8)])
        #expect(next.map(\.number) == [2, 3])
    }

    @Test func dropsATornFragmentTheWriterCutAway() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 1)
        Fixture.append(Array(#"{"time":"#.utf8), to: path)
        let follower = AuditFollower(path: path)
        #expect(follower.poll().count == 4)  // header, mount, open, unmount
        try Fixture.writeLog(path, opens: 0)
        let lines = collect(follower, count: 3)
        let events = try lines.map { try $0.parse().event }
        #expect(events == ["recover", "mount", "unmount"])
    }

    @Test func fromEndSkipsExistingLines() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("log")
        Fixture.write(Array("old\n".utf8), to: path)
        let follower = AuditFollower(path: path, fromStart: false)
        Fixture.append(Array("new\n".utf8), to: path)
        #expect(follower.poll().map(\.bytes) == [Array("new".utf8)])
    }
}
