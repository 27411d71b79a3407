import Foundation
import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

/// Finding 8: a denial loop must not be able to flush the log's history.
/// Identical denials are coalesced on the writer side into one line with a
/// count; the plain lines plus the counts always add up to the denials.
@Suite struct RepeatTests {
    private func denies(_ records: [AuditRecord]) -> [AuditRecord] {
        records.filter { $0.event == "deny" }
    }

    @Test func aFloodOfIdenticalDenialsIsTwoLinesWhoseCountsAddUp() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, repeatWindow: 600_000_000))
        log.record(.mount(Fixture.mountInfo), path: [], caller: nil)
        let before = AuditTime.now()
        for _ in 0..<50_000 {
            log.record(Fixture.sshDeny, path: Fixture.ssh, caller: Fixture.agent)
        }
        log.close(final: .unmount(Fixture.mountInfo))

        // (The queue fills faster than the writer drains it: backpressure lines.)
        let records = try Fixture.records(path).filter { $0.event != "backpressure" }
        #expect(records.map(\.event) == ["header", "mount", "deny", "deny", "unmount"])
        let lines = denies(records)
        #expect(lines[0].repeatCount == nil)
        #expect(lines[1].repeatCount == 49_999)
        #expect(lines.map(\.denials).reduce(0, +) == 50_000)
        let first = try #require(lines[1].firstRepeat)
        let last = try #require(lines[1].lastRepeat)
        #expect(before <= lines[0].time && lines[0].time <= first && first <= last && last <= lines[1].time)
        #expect(lines[1].pid == Fixture.agent.pid && lines[1].path == ".ssh" && lines[1].rule == "secret:ssh" && lines[1].errno == "ENOENT")
        #expect(try AuditVerifier(path: path).verify().isOK(strict: true))

        let summary = try AuditSummary.load(path: path)
        #expect(summary.denialsByRule == ["secret:ssh": 50_000])
        #expect(summary.denials == 50_000)
        #expect(summary.paths[".ssh"]?.denials == 50_000)
    }

    @Test func theFirstDenialIsWrittenAtOnceAndTheCountWhenTheWindowCloses() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let window: Int64 = 300_000
        let log = try AuditLog.open(Fixture.config(path, repeatWindow: window))
        for _ in 0..<10 {
            log.record(Fixture.sshDeny, path: Fixture.ssh, caller: Fixture.agent)
        }
        // The first is on disk while the window is still open (follow sees it).
        let early = Fixture.waitForRecords(path, seconds: 5) { !denies($0).isEmpty }
        #expect(denies(early).count == 1)
        #expect(denies(early).first?.repeatCount == nil)
        // No further event: the writer's timer closes the window and writes the count.
        let closed = Fixture.waitForRecords(path, seconds: 5) { denies($0).count == 2 }
        let count = try #require(denies(closed).last)
        #expect(count.repeatCount == 9)
        #expect(count.time.microseconds >= denies(closed)[0].time.microseconds + window)
        // After the window, the next identical denial is written at once again.
        log.record(Fixture.sshDeny, path: Fixture.ssh, caller: Fixture.agent)
        let again = Fixture.waitForRecords(path, seconds: 5) { denies($0).count == 3 }
        #expect(denies(again).count == 3 && denies(again).last?.repeatCount == nil)
        log.close(final: .unmount(Fixture.mountInfo))
        let all = denies(try Fixture.records(path))
        #expect(all.count == 3)
        #expect(all.map(\.denials).reduce(0, +) == 11)
        #expect(try AuditVerifier(path: path).verify().isOK(strict: true))
    }

    @Test func denialsThatDifferInAnyFieldAreNotMerged() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, repeatWindow: 600_000_000))
        let other = Caller(pid: 4243, uid: 1000, gid: 1000)
        let variants: [(AuditEventKind, [UInt8], Caller)] = [
            (Fixture.sshDeny, Fixture.ssh, Fixture.agent),
            (Fixture.sshDeny, Fixture.ssh, other),
            (Fixture.sshDeny, Fixture.ssh, Caller(pid: 4242, uid: 1001, gid: 1000)),
            (Fixture.sshDeny, Fixture.ssh, Caller(pid: 4242, uid: 1000, gid: 1001)),
            (.deny(op: "getxattr", rule: "secret:ssh", errno: ENOENT), Fixture.ssh, Fixture.agent),
            (.deny(op: "lookup", rule: "secret:aws", errno: ENOENT), Fixture.ssh, Fixture.agent),
            (.deny(op: "lookup", rule: "secret:ssh", errno: EACCES), Fixture.ssh, Fixture.agent),
            (Fixture.sshDeny, Array(".ssh/id_rsa".utf8), Fixture.agent),
        ]
        for (kind, name, caller) in variants { log.record(kind, path: name, caller: caller) }
        log.record(Fixture.sshDeny, path: Fixture.ssh, caller: Fixture.agent)  // a repeat of the first
        log.close(final: .unmount(Fixture.mountInfo))
        let lines = denies(try Fixture.records(path))
        #expect(lines.count == variants.count + 1)
        #expect(lines.prefix(variants.count).allSatisfy { $0.repeatCount == nil })
        #expect(lines.last?.repeatCount == 1 && lines.last?.pid == 4242 && lines.last?.op == "lookup")
        #expect(lines.map(\.denials).reduce(0, +) == UInt64(variants.count + 1))
    }

    @Test func aFullTableClosesTheOldestWindowEarlyAndLosesNothing() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, repeatWindow: 600_000_000, repeatCapacity: 2))
        let a = Array("a/.env".utf8), b = Array("b/.env".utf8), c = Array("c/.env".utf8)
        for name in [a, a, b, c, b] { log.record(Fixture.sshDeny, path: name, caller: Fixture.agent) }
        log.close(final: .unmount(Fixture.mountInfo))
        let lines = denies(try Fixture.records(path))
        // c needs room: a's window closes early, its count written before c's line.
        #expect(lines.map(\.path) == ["a/.env", "b/.env", "a/.env", "c/.env", "b/.env"])
        #expect(lines.map(\.repeatCount) == [nil, nil, 1, nil, 1])
        #expect(lines.map(\.denials).reduce(0, +) == 5)
    }

    @Test func openCountsAreWrittenWhenTheFileRotates() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, rotateBytes: 4096, keep: 5, repeatWindow: 600_000_000))
        for _ in 0..<5 { log.record(Fixture.sshDeny, path: Fixture.ssh, caller: Fixture.agent) }
        for index in 0..<40 {
            log.record(.open(mode: .read, handle: UInt64(index), errno: 0), path: Array("dir/file\(index).txt".utf8), caller: Fixture.agent)
        }
        log.close(final: .unmount(Fixture.mountInfo))
        let files = AuditFileSet.files(for: path)
        #expect(files.count >= 2)
        // The second file: its header, then the count that was open at rotation.
        let second = try AuditReader(path: files[1], includeRotated: false).readAll().map { try $0.parse() }
        #expect(second.prefix(2).map(\.event) == ["header", "deny"])
        #expect(second.count > 1 && second[1].repeatCount == 4)
        let all = try Fixture.records(path)
        #expect(all.map(\.denials).reduce(0, +) == 5)
        #expect(try AuditVerifier(path: path).verify().isOK(strict: true))
    }

    @Test func countsAddUpPerCallerUnderConcurrencyAndBackpressure() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, queue: 64, repeatWindow: 600_000_000))
        let perThread = 10_000
        let group = DispatchGroup()
        for thread in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                let caller = Caller(pid: Int32(100 + thread), uid: 1, gid: 1)
                for index in 0..<perThread {
                    log.record(Fixture.sshDeny, path: Fixture.ssh, caller: caller)
                    if index % 100 == 0 {
                        log.record(.readdir(entries: index), path: [], caller: caller)
                    }
                }
                group.leave()
            }
        }
        group.wait()
        log.close(final: .unmount(Fixture.mountInfo))
        let records = try Fixture.records(path)
        for thread in 0..<4 {
            let mine = denies(records).filter { $0.pid == Int32(100 + thread) }
            #expect(mine.count == 2, "pid \(100 + thread): \(mine.count) deny lines")
            #expect(mine.map(\.denials).reduce(0, +) == UInt64(perThread))
            #expect(records.filter { $0.event == "readdir" && $0.pid == Int32(100 + thread) }.count == perThread / 100)
        }
        #expect(try AuditVerifier(path: path).verify().isOK(strict: true))
    }

    @Test func repeatTableUnitBehaviour() {
        var table = AuditRepeats(windowMicroseconds: 1000, capacity: 8)
        let key = AuditEntry(time: AuditTime(microseconds: 10_000), kind: .event(Fixture.sshDeny), path: Fixture.ssh, caller: Fixture.agent)
        var emitted: [AuditEntry] = []
        func admit(at time: Int64) -> Bool {
            var entry = key
            entry.time = AuditTime(microseconds: time)
            table.closeExpired(at: entry.time) { emitted.append($0) }
            return table.admit(entry, op: "lookup", rule: "secret:ssh", errno: ENOENT) { emitted.append($0) }
        }
        #expect(admit(at: 10_000))
        #expect(!admit(at: 10_500))
        #expect(!admit(at: 10_999))
        #expect(table.nextDeadline == AuditTime(microseconds: 11_000))
        #expect(admit(at: 11_000))  // the window ended: written again
        #expect(emitted.count == 1)
        guard case .repeated(_, _, _, let count, let first, let last) = emitted[0].kind else {
            Issue.record("expected a count line")
            return
        }
        #expect(count == 2 && first.microseconds == 10_500 && last.microseconds == 10_999)
        #expect(emitted[0].time.microseconds == 11_000)
        table.closeAll(at: AuditTime(microseconds: 11_001)) { emitted.append($0) }
        #expect(emitted.count == 1 && table.isEmpty)  // nothing counted since: no line
    }
}
