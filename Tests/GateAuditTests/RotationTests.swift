import Foundation
import Testing
import GateSystem
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

/// Rotation leaves a trace (a `rotate` line per deleted file, a header per
/// new file), and the live set of the log's file identities follows it.
@Suite struct RotationTests {
    private func identity(_ path: String) -> AuditFileIdentities.Identity? {
        AuditFileIdentities.of(path: path)
    }

    @Test func rotationWritesALineNamingEachDeletedFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 200, rotateBytes: 2048, keep: 2)
        #expect(AuditFileSet.files(for: path) == [path + ".2", path + ".1", path])
        let records = try Fixture.records(path)
        let rotates = records.filter { $0.event == "rotate" }
        #expect(!rotates.isEmpty)
        for line in rotates {
            #expect(line.file == path + ".2", "\(line.raw)")  // path.keep is what falls off
            #expect(line.lastSeq != nil && line.lastHash?.utf8.count == 64, "\(String(decoding: line.raw, as: UTF8.self))")
        }
        // The oldest file's header continues from the last deleted file's last line.
        let oldest = try #require(try AuditReader(path: path + ".2", includeRotated: false).next()?.parse())
        #expect(oldest.event == "header" && oldest.start == false)
        let accounting = try #require(rotates.first { $0.lastHash == oldest.previousHash })
        #expect(accounting.lastSeq == oldest.seq - 1)

        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK, "\(result.report)")
        #expect(result.startIsMissing && result.firstLineChecked)
        #expect(result.startRotatedAwayBySeq == accounting.seq)
        #expect(!result.isOK(strict: true))
        #expect(result.report.contains("the chain's start is missing"))
        #expect(result.report.contains("rotated away (the rotate line with seq \(accounting.seq)"))
        #expect(result.report(strict: true).hasPrefix("INCOMPLETE: "))
    }

    @Test func keepZeroDeletesTheCurrentFileAndSaysSo() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 50, rotateBytes: 2048, keep: 0)
        #expect(AuditFileSet.files(for: path) == [path])
        let records = try Fixture.records(path)
        #expect(records.prefix(2).map(\.event) == ["header", "rotate"])
        let header = records[0], rotate = records[1]
        #expect(rotate.file == path)
        #expect(rotate.lastSeq == header.seq - 1)
        #expect(rotate.lastHash == header.previousHash)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK && result.startRotatedAwayBySeq == rotate.seq, "\(result.report)")
    }

    @Test func identitiesCoverTheLogsFilesAndFollowRotation() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, rotateBytes: 2048, keep: 2))
        let ids = log.fileIdentities
        for name in [path, path + ".lock"] {
            let id = try #require(identity(name))
            #expect(ids.contains(dev: id.dev, ino: id.ino), "\(name)")
        }
        func fill(_ from: Int, _ count: Int) {
            for index in from..<(from + count) {
                log.record(.open(mode: .read, handle: UInt64(index), errno: 0), path: Array("dir/file\(index).txt".utf8), caller: Fixture.agent)
            }
            _ = Fixture.waitForRecords(path) { $0.contains { $0.handle == UInt64(from + count - 1) } }
        }
        fill(0, 60)
        #expect(AuditFileSet.files(for: path).count == 3)
        func expectExactly(_ names: [String], extra: Int = 0) throws {
            for name in names {
                let id = try #require(identity(name))
                #expect(ids.contains(dev: id.dev, ino: id.ino), "\(name)")
            }
            #expect(ids.snapshot.count == names.count + extra)  // deleted files left the set
        }
        try expectExactly([path, path + ".lock", path + ".1", path + ".2"])

        // A file about to be deleted that has another hard link stays hidden:
        // its content lives on under the other name.
        #expect(link(path + ".2", dir.file("planted")) == 0)
        let planted = try #require(identity(dir.file("planted")))
        fill(60, 20)
        #expect(ids.contains(dev: planted.dev, ino: planted.ino))
        try expectExactly([path, path + ".lock", path + ".1", path + ".2"], extra: 1)
        log.close(final: .unmount(Fixture.mountInfo))
    }

    /// Whenever the current file exists by name, its identity is already in
    /// the set: a view can never show a new file even for a moment.
    @Test func aNewFileIsInTheSetBeforeItHasAName() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        let log = try AuditLog.open(Fixture.config(path, rotateBytes: 1024, keep: 3))
        let ids = log.fileIdentities
        let state = ConditionMutex((stop: false, misses: 0, seen: Set<UInt64>()))
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var info = stat()
            var again = stat()
            while !state.withLock({ $0.stop }) {
                guard lstat(path, &info) == 0 else { continue }
                var known = ids.contains(dev: UInt64(info.st_dev), ino: UInt64(info.st_ino))
                // Several rotations may pass between the lstat and the probe
                // (this thread can be descheduled), and a file that has been
                // deleted since has left the set: only a file still current
                // after the probe counts as a miss. Its inode number may even
                // have been reused by a newer current file meanwhile, so the
                // probe is repeated after the second lstat.
                if !known, lstat(path, &again) != 0 || again.st_ino != info.st_ino
                    || ids.contains(dev: UInt64(again.st_dev), ino: UInt64(again.st_ino)) { known = true }
                state.withLock { s in
                    if !known { s.misses += 1 }
                    s.seen.insert(UInt64(info.st_ino))
                }
            }
            done.signal()
        }
        for index in 0..<3000 {
            log.record(.open(mode: .read, handle: UInt64(index), errno: 0), path: Array("dir/file\(index).txt".utf8), caller: Fixture.agent)
            if index % 50 == 0 { usleep(500) }
        }
        _ = Fixture.waitForRecords(path) { $0.contains { $0.handle == 2999 } }
        state.withLock { $0.stop = true }
        done.wait()
        log.close(final: .unmount(Fixture.mountInfo))
        let (misses, seen) = state.withLock { ($0.misses, $0.seen) }
        #expect(misses == 0)
        #expect(seen.count > 10, "the checker saw only \(seen.count) current files")
    }

    @Test func aMissingMiddleFileDoesNotHideOlderOnes() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 60, rotateBytes: 2048, keep: 10)
        let before = AuditFileSet.files(for: path)
        #expect(before.count >= 4)
        try FileManager.default.removeItem(atPath: path + ".1")
        #expect(AuditFileSet.files(for: path) == before.filter { $0 != path + ".1" })
        #expect(AuditFileSet.missing(for: path) == [path + ".1"])
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path + ".1", line: 0, kind: .missingFile))
        #expect(result.report.contains("\(path).1 is missing"))
        // The other readers still read everything that is left.
        #expect(try AuditReader(path: path).files == before.filter { $0 != path + ".1" })
    }
}
