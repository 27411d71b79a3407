import Foundation
import Testing
import GateSystem
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter
@testable import gatefs

/// The events and APIs added for the gate: `opendir`, `xattr`, the line
/// shapes the writer makes itself, the caller's thread group, and one
/// process cache shared by the gate and the log.
@Suite struct NewEventTests {
    private func encode(_ kind: AuditEntry.Kind, path: [UInt8] = []) -> String {
        var encoder = AuditLineEncoder()
        var buffer: [UInt8] = []
        let process = CallerProcess(name: "ls", container: nil)
        let entry = AuditEntry(time: AuditTime(microseconds: 1_795_424_462_123_456), kind: kind, path: path, caller: Fixture.agent, process: process)
        encoder.append(entry, path: path, identity: LineIdentity(Fixture.agent, process: process), to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func lineShapes() throws {
        let cases: [(AuditEntry.Kind, String)] = [
            (.event(.opendir(handle: 5, errno: 0)), #""event":"opendir","path":"src","pid":4242,"uid":1000,"gid":1000,"process":"ls","handle":5,"result":"ok","seq":1,"#),
            (.event(.opendir(handle: 0, errno: EMFILE)), #""handle":0,"result":"EMFILE","seq":1,"#),
            (.event(.xattr(name: Array("user.mime_type".utf8), bytes: 10)), #""event":"xattr","path":"src","pid":4242,"uid":1000,"gid":1000,"process":"ls","name":"user.mime_type","bytes":10,"seq":1,"#),
            (.event(.xattr(name: [0x75, 0x2E, 0xFF], bytes: 0)), #""name":"u.\\xff","bytes":0,"#),
            (.header(start: false, previousHash: Array(repeating: UInt8(ascii: "b"), count: 64)),
             #""event":"header","path":"src","pid":4242,"uid":1000,"gid":1000,"process":"ls","format":2,"start":false,"prev_hash":"\#(String(repeating: "b", count: 64))","seq":1,"#),
            (.rotated(file: "/var/log/a.jsonl.5", lastSeq: 42, lastHash: Array(repeating: UInt8(ascii: "c"), count: 64)),
             #""event":"rotate","path":"src","pid":4242,"uid":1000,"gid":1000,"process":"ls","file":"/var/log/a.jsonl.5","last_seq":42,"last_hash":"\#(String(repeating: "c", count: 64))","seq":1,"#),
            (.rotated(file: "/x", lastSeq: nil, lastHash: nil), #""file":"/x","seq":1,"#),
            (.repeated(op: "lookup", rule: "secret:ssh", errno: ENOENT, count: 17,
                       first: AuditTime(microseconds: 1_795_424_462_000_001), last: AuditTime(microseconds: 1_795_424_463_000_000)),
             #""event":"deny","path":"src","pid":4242,"uid":1000,"gid":1000,"process":"ls","op":"lookup","rule":"secret:ssh","errno":"ENOENT","repeat":17,"first":"2026-11-23T09:01:02.000001Z","last":"2026-11-23T09:01:03.000000Z","seq":1,"#),
        ]
        for (kind, fragment) in cases {
            let text = encode(kind, path: Array("src".utf8))
            #expect(text.contains(fragment), "\(text)")
            _ = try AuditRecord(line: Array(text.utf8).dropLast())
        }
        let xattr = try AuditRecord(line: Array(encode(.event(.xattr(name: [0x75, 0x2E, 0xFF], bytes: 3))).utf8).dropLast())
        #expect(xattr.name.flatMap(AuditPath.unescape) == [0x75, 0x2E, 0xFF] && xattr.bytes == 3)
        let count = try AuditRecord(line: Array(encode(cases[7].0).utf8).dropLast())
        #expect(count.repeatCount == 17 && count.denials == 17 && count.firstRepeat?.microseconds == 1_795_424_462_000_001)
    }

    @Test func opendirAndXattrThroughTheLogTheFormatterAndTheSummary() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path))
        let me = Caller(pid: getpid(), uid: getuid(), gid: getgid())
        log.record(.opendir(handle: 1, errno: 0), path: Array("src".utf8), caller: me)
        log.record(.opendir(handle: 2, errno: 0), path: [], caller: me)
        log.record(.opendir(handle: 0, errno: EMFILE), path: Array("src/deep".utf8), caller: me)
        log.record(.xattr(name: Array("user.comment".utf8), bytes: 2048), path: Array("src/a.txt".utf8), caller: me)
        log.close(final: .unmount(Fixture.mountInfo))

        let records = try Fixture.records(path)
        #expect(records.map(\.event) == ["header", "opendir", "opendir", "opendir", "xattr", "unmount"])
        // Resolved eagerly, on the recording thread.
        #expect(records[1...4].allSatisfy { $0.process?.isEmpty == false })
        #expect(records[3].result == "EMFILE" && !records[3].isDenial)
        #expect(records[4].name == "user.comment" && records[4].bytes == 2048 && records[4].path == "src/a.txt")

        let formatter = AuditFormatter(color: false, utc: true)
        #expect(formatter.format(records[1]).hasSuffix("src  h1"))
        #expect(formatter.format(records[3]).hasSuffix("src/deep  h0  → EMFILE"))
        #expect(formatter.format(records[4]).hasSuffix("src/a.txt  user.comment 2.0 KiB"))
        #expect(formatter.format(records[0]).contains("new file, start of the chain"))

        let summary = try AuditSummary.load(path: path)
        #expect(summary.directoryOpens == 3 && summary.refusedDirectoryOpens == 1)
        #expect(summary.eventCounts["xattr"] == 1)
        #expect(summary.render().contains("directories opened: 3 (1 refused)"))
        #expect(AuditFilter(events: ["opendir"]).matches(records[1]))
        #expect(AuditFilter.knownEvents.contains("xattr") && AuditFilter.knownEvents.contains("header") && AuditFilter.knownEvents.contains("rotate"))
    }

    @Test func coalescedAndRotationLinesForPeople() throws {
        let formatter = AuditFormatter(color: false, utc: true)
        let hash = String(repeating: "0", count: 64)
        let count = try AuditRecord(line: Array(#"{"time":"2026-11-23T09:01:12.000000Z","event":"deny","path":".ssh","pid":7,"uid":1,"gid":1,"process":"stat","op":"lookup","rule":"secret:ssh","errno":"ENOENT","repeat":16999,"first":"2026-11-23T09:01:02.000100Z","last":"2026-11-23T09:01:11.999000Z","seq":9,"hash":"\#(hash)"}"#.utf8))
        #expect(formatter.format(count).hasSuffix(".ssh  lookup secret:ssh → ENOENT  ×16999 more (2026-11-23 09:01:02.000 … 2026-11-23 09:01:11.999)"))
        let rotate = try AuditRecord(line: Array(#"{"time":"2026-11-23T09:01:12.000000Z","event":"rotate","path":".","pid":7,"uid":1,"gid":1,"file":"/l/a.jsonl.5","last_seq":802,"last_hash":"abcdef0123456789\#(String(repeating: "0", count: 48))","seq":9,"hash":"\#(hash)"}"#.utf8))
        #expect(formatter.format(rotate).hasSuffix("deleted /l/a.jsonl.5 (last seq 802, hash abcdef0123456789…)"))
        var summary = AuditSummary()
        summary.add(count)
        summary.add(rotate)
        #expect(summary.denialsByRule == ["secret:ssh": 16999])
        #expect(summary.rotatedAway == ["/l/a.jsonl.5"])
        #expect(summary.render().contains("rotated away: 1 file"))
    }

    @Test func tgidIsTheProcessOfACallingThread() throws {
        #expect(CallerProcess.read(pid: getpid()).tgid == getpid())
        let ready = DispatchSemaphore(value: 0)
        let finish = DispatchSemaphore(value: 0)
        let tid = ConditionMutex<Int32>(0)
        Thread.detachNewThread {
            // /proc/thread-self is a link to PID/task/TID.
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
            tid.withLock { $0 = Int32(target.split(separator: "/").last ?? "") ?? 0 }
            ready.signal()
            finish.wait()
        }
        ready.wait()
        let thread = tid.withLock { $0 }
        #expect(thread != getpid())
        let process = CallerProcess.read(pid: thread)
        #expect(process.tgid == getpid())
        finish.signal()
        #expect(CallerProcess.parseTgid(status: Array("Name:\tcat\nUmask:\t0022\nState:\tS\nTgid:\t4242\nNgid:\t0\nPid:\t4243\n".utf8)) == 4242)
        #expect(CallerProcess.parseTgid(status: Array("Name:\tcat\nTgid:\tx1\n".utf8)) == nil)
        #expect(CallerProcess.parseTgid(status: Array("Name:\tcat\n".utf8)) == nil)
    }

    @Test func oneProcessCacheServesTheGateAndTheLog() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("proc/77"), withIntermediateDirectories: true)
        Fixture.write(Array("fake-agent\n".utf8), to: dir.file("proc/77/comm"))
        Fixture.write(Array("Name:\tfake-agent\nTgid:\t70\n".utf8), to: dir.file("proc/77/status"))
        let cache = CallerProcessCache(ttlMicroseconds: 60_000_000, capacity: 16, procRoot: dir.file("proc"))
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path), processes: cache)
        let seen = log.process(of: 77)
        #expect(seen.name == "fake-agent" && seen.tgid == 70 && seen.container == nil)
        log.record(Fixture.sshDeny, path: Fixture.ssh, caller: Caller(pid: 77, uid: 1, gid: 1))
        log.close(final: .unmount(Fixture.mountInfo))
        #expect(try Fixture.records(path).first { $0.event == "deny" }?.process == "fake-agent")

        // The public cache reads the real /proc.
        let real = CallerProcessCache().lookup(getpid())
        #expect(real.name?.isEmpty == false && real.tgid == getpid())
        #expect(CallerProcessCache().lookup(0) == CallerProcess())
    }
}
