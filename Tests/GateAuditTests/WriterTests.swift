import Foundation
import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

@Suite struct WriterTests {
    @Test func tornTailIsCutRecoveredAndTheChainContinues() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 2)
        // A crash in the middle of a write leaves half a line.
        let fragment = Array(#"{"time":"2026-11-23T09:01:02.123456Z","event":"op"#.utf8)
        Fixture.append(fragment, to: path)

        // Before the next writer: the reader skips it, the verifier notes it.
        let before = try AuditVerifier(path: path).verify()
        #expect(before.isOK)
        #expect(before.incompleteTail?.number == 6)  // after the header and 4 lines
        #expect(before.incompleteTail?.bytes == fragment)
        #expect(before.report.contains("incomplete last line"))
        #expect(try Fixture.records(path).count == 5)

        try Fixture.writeLog(path, opens: 1)
        let lines = Fixture.rawLines(path)
        // Every line parses on its own; the fragment is gone from the byte stream.
        let records = try lines.map { try AuditRecord(line: $0) }
        // The file was not empty, so no second header.
        #expect(records.map(\.event) == ["header", "mount", "open", "open", "unmount", "recover", "mount", "open", "unmount"])
        #expect(records.map(\.seq) == Array(1...9))
        let recover = records[5]
        #expect(recover.tornBytes == UInt64(fragment.count))
        #expect(recover.torn.flatMap(AuditPath.unescape) == fragment)
        let after = try AuditVerifier(path: path).verify()
        #expect(after.isOK, "\(after.report)")
        #expect(after.incompleteTail == nil)
        #expect(after.lastSeq == 9)
    }

    @Test func tornTailWithNoCompleteLineStartsFromGenesis() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        Fixture.write(Array(#"{"time":"#.utf8), to: path)
        try Fixture.writeLog(path, opens: 0)
        let records = try Fixture.records(path)
        // Cut to empty, the file gets its header first.
        #expect(records.map(\.event) == ["header", "recover", "mount", "unmount"])
        #expect(records.first?.seq == 1)
        #expect(try AuditVerifier(path: path).verify().startsAtGenesis)
    }

    @Test func foreignContentIsRefusedWithThePathInTheMessage() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        Fixture.write(Array("hello\n".utf8), to: path)
        do {
            _ = try AuditLog.open(Fixture.config(path))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(path))
            #expect(error.description.contains("not a gatefs audit record"))
        }
    }

    @Test func unwritableLocationNamesThePath() throws {
        let dir = TemporaryDirectory()
        Fixture.write(Array("x".utf8), to: dir.file("plainfile"))
        let path = dir.file("plainfile/sub/access.jsonl")
        do {
            _ = try AuditLog.open(Fixture.config(path))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(dir.file("plainfile")))
        }
    }

    @Test func secondWriterOnTheSameLogIsRefused() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let first = try AuditLog.open(Fixture.config(path))
        #expect(throws: AuditLogError.self) { _ = try AuditLog.open(Fixture.config(path)) }
        first.close(final: .unmount(Fixture.mountInfo))
        // Released on close.
        let again = try AuditLog.open(Fixture.config(path))
        again.close(final: .unmount(Fixture.mountInfo))
    }

    @Test func fileIsPrivateAndParentsAreCreated() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("state/gatefs/access.jsonl")
        try Fixture.writeLog(path, opens: 1)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(dir.file("state/gatefs"), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test func rotationKeepsNFilesAndTheChainCarriesAcross() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 200, rotateBytes: 4096, keep: 3)
        let files = AuditFileSet.files(for: path)
        #expect(files == [path + ".3", path + ".2", path + ".1", path])
        #expect(!FileManager.default.fileExists(atPath: path + ".4"))
        for file in files {
            let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            #expect(size <= 4096, "\(file) is \(size) bytes")
            #expect(size > 0)
        }
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK, "\(result.report)")
        #expect(!result.startsAtGenesis)  // the oldest files were rotated away
        let records = try Fixture.records(path)
        let last = try #require(records.last)
        #expect(last.event == "unmount")
        #expect(result.lastSeq == last.seq)
        #expect(records.last { $0.event == "open" }?.path == "dir/file199.txt")
        // Every file starts with its header.
        for file in files {
            #expect(try AuditReader(path: file, includeRotated: false).next()?.parse().event == "header", "\(file)")
        }

        // Reopening continues the chain in the current file: five more events.
        try Fixture.writeLog(path, opens: 3, rotateBytes: 4096, keep: 3)
        let again = try AuditVerifier(path: path).verify()
        #expect(again.isOK, "\(again.report)")
        let added = try Fixture.records(path).filter { $0.seq > last.seq && $0.event != "header" && $0.event != "rotate" }
        #expect(added.map(\.event) == ["mount", "open", "open", "open", "unmount"])
        #expect(again.lastSeq == added.last?.seq)
    }

    @Test func chainContinuesFromTheRotatedFileWhenTheCurrentOneIsEmpty() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 2)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Fixture.writeLog(path, opens: 1)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK, "\(result.report)")
        #expect(result.files.count == 2)
        #expect(result.lastSeq == 9)  // two headers: one per file
        let header = try #require(try AuditReader(path: path, includeRotated: false).next()?.parse())
        #expect(header.event == "header" && header.start == false && header.seq == 6)
        #expect(result.startsAtGenesis)
    }

    @Test func blockedProducersAreRecordedAndNothingIsLost() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, queue: 4))
        log.setWriterPausedForTesting(true)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for index in 0..<20 {
                log.record(.open(mode: .read, handle: UInt64(index), errno: 0), path: Array("f\(index)".utf8), caller: Fixture.agent)
            }
            done.signal()
        }
        // The producer must be stuck on the 5th event while the writer is paused.
        #expect(done.wait(timeout: .now() + 0.3) == .timedOut)
        log.setWriterPausedForTesting(false)
        #expect(done.wait(timeout: .now() + 10) == .success)
        log.close(final: .unmount(Fixture.mountInfo))

        let records = try Fixture.records(path)
        let opens = records.filter { $0.event == "open" }
        #expect(opens.map(\.handle) == (0..<20).map { UInt64($0) })
        let pressure = records.filter { $0.event == "backpressure" }
        #expect(!pressure.isEmpty)
        let waited = pressure.compactMap(\.waitedMicroseconds).reduce(0, +)
        #expect(waited >= 200_000)
        #expect(pressure.compactMap(\.blocked).reduce(0, +) >= 1)
        #expect(records.last?.event == "unmount")
        #expect(try AuditVerifier(path: path).verify().isOK)
    }

    @Test func closeDrainsEveryEventFromFourThreads() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, queue: 64))
        log.record(.mount(Fixture.mountInfo), path: [], caller: nil)
        let perThread = 2500
        let group = DispatchGroup()
        for thread in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                for index in 0..<perThread {
                    let handle = UInt64(thread * perThread + index)
                    log.record(.read(handle: handle, offset: 0, size: 4096, bytes: 4096), path: Array("t\(thread)".utf8), caller: Caller(pid: Int32(thread + 1), uid: 1, gid: 1))
                }
                group.leave()
            }
        }
        group.wait()
        log.close(final: .unmount(Fixture.mountInfo))
        log.record(.readdir(entries: 1), path: [], caller: nil)  // after close: discarded

        let records = try Fixture.records(path)
        let reads = records.filter { $0.event == "read" }
        #expect(reads.count == 4 * perThread)
        #expect(Set(reads.compactMap(\.handle)).count == 4 * perThread)
        #expect(records.last?.event == "unmount")
        #expect(records.filter { $0.event == "unmount" }.count == 1)
        #expect(!records.contains { $0.event == "readdir" })
        // Per-thread order is preserved.
        for thread in 0..<4 {
            let handles = reads.filter { $0.path == "t\(thread)" }.compactMap(\.handle)
            #expect(handles == handles.sorted())
        }
        let times = records.map(\.time.microseconds)
        #expect(times == times.sorted())
        #expect(try AuditVerifier(path: path).verify().isOK)
    }

    @Test func summaryModeSkipsReadLines() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, reads: .summary))
        #expect(log.readLogging == .summary)
        log.record(.open(mode: .read, handle: 1, errno: 0), path: Array("a.txt".utf8), caller: Fixture.agent)
        for offset in 0..<5 {
            log.record(.read(handle: 1, offset: UInt64(offset) * 4096, size: 4096, bytes: 4096), path: [], caller: Fixture.agent)
        }
        log.record(.close(handle: 1, reads: 5, bytes: 20480, written: nil), path: [], caller: Caller(pid: 0, uid: 0, gid: 0))
        log.close(final: .unmount(Fixture.mountInfo))
        let records = try Fixture.records(path)
        #expect(records.map(\.event) == ["header", "open", "close", "unmount"])
        // The kernel-made release (pid 0) is attributed to the opener, with the open's path.
        #expect(records[2].pid == Fixture.agent.pid)
        #expect(records[2].path == "a.txt")
        #expect(records[2].bytes == 20480)
    }

    @Test func readAndCloseInheritPathAndProcessFromTheOpen() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path))
        let me = Caller(pid: getpid(), uid: getuid(), gid: getgid())
        log.record(.open(mode: .read, handle: 3, errno: 0), path: Array("docs/x.md".utf8), caller: me)
        log.record(.read(handle: 3, offset: 0, size: 131_072, bytes: 10), path: [], caller: me)
        log.record(.close(handle: 3, reads: 1, bytes: 10, written: nil), path: [], caller: nil)
        log.close(final: .unmount(Fixture.mountInfo))
        let records = Array(try Fixture.records(path).dropFirst())  // the header
        #expect(records.map(\.path) == ["docs/x.md", "docs/x.md", "docs/x.md", "."])
        let name = try #require(records[0].process)
        #expect(!name.isEmpty)
        #expect(records[1].process == name && records[2].process == name)
    }

    @Test func closeIsIdempotentAndDeinitStopsTheWriter() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        do {
            let log = try AuditLog.open(Fixture.config(path))
            log.record(.readdir(entries: 3), path: [], caller: Fixture.agent)
            log.close(final: .unmount(Fixture.mountInfo))
            log.close(final: .unmount(Fixture.mountInfo))
        }
        do {
            let log = try AuditLog.open(Fixture.config(path))
            log.record(.readdir(entries: 4), path: [], caller: Fixture.agent)
        }
        let records = try Fixture.records(path)
        #expect(records.map(\.event) == ["header", "readdir", "unmount", "readdir"])
        #expect(try AuditVerifier(path: path).verify().isOK)
    }
}
