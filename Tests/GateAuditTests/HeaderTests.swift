import Foundation
import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter
@testable import gatefs

/// Finding 10: `verify` accepted a cut head, an unchecked first line, a
/// missing middle file and a non-JSON line with a correct chain. Every file
/// now starts with a header, and every line must be a valid record.
@Suite struct HeaderTests {
    private func makeLog(_ dir: TemporaryDirectory, opens: Int = 6) throws -> (String, [[UInt8]]) {
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: opens)
        return (path, Fixture.rawLines(path))
    }

    @Test func theFirstFileSaysItStartsTheChain() throws {
        let dir = TemporaryDirectory()
        let (path, lines) = try makeLog(dir)
        let header = try AuditRecord(line: lines[0])
        #expect(header.event == "header" && header.seq == 1 && header.start == true && header.format == 2)
        #expect(header.previousHash == String(repeating: "0", count: 64))
        #expect(String(decoding: lines[0], as: UTF8.self).contains(#","format":2,"start":true,"prev_hash":"0000"#))
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK(strict: true) && result.startsAtGenesis && result.firstLineChecked, "\(result.report)")
    }

    @Test func cuttingTheHeadOfANeverRotatedLogIsReported() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        lines.removeFirst(3)  // header, mount, first open
        Fixture.rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK)  // without --strict, as before
        #expect(result.startIsMissing && !result.firstLineChecked)
        #expect(result.filesWithoutHeader == [path])
        #expect(!result.isOK(strict: true))
        #expect(result.report.contains("the chain's start is missing: the chain starts at seq 4"))
        #expect(result.report.contains("no rotate line accounts for the lines before it"))
        #expect(result.report.contains("even its own hash cannot be checked"))
    }

    @Test func cuttingLinesAfterTheHeaderIsAGap() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        lines.removeSubrange(1..<4)
        Fixture.rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path, line: 2, kind: .missing(expected: 2, found: 5)))
    }

    @Test func theFirstLinesOwnHashIsChecked() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        lines[0] = Array(String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: #""format":2"#, with: #""format":3"#).utf8)
        Fixture.rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path, line: 1, kind: .hashMismatch))
    }

    @Test func theOldestLineOfARotatedChainIsCheckedToo() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 100, rotateBytes: 2048, keep: 2)
        var lines = Fixture.rawLines(path + ".2")
        // Before headers the oldest line's own hash was taken on trust.
        #expect(try AuditRecord(line: lines[0]).event == "header")
        lines[0] = Array(String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: #""format":2"#, with: #""format":3"#).utf8)
        Fixture.rewrite(path + ".2", lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path + ".2", line: 1, kind: .hashMismatch))
    }

    @Test func aNonJSONLineWithARecomputedChainFails() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        lines[3] = Array(#"{not json at all,"seq":4,"hash":""#.utf8) + AuditChain.genesis + Array(#""}"#.utf8)
        Fixture.rechain(&lines, from: 3)
        Fixture.rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        guard case .unparsable(let message)? = result.problem?.kind else {
            Issue.record("expected an unparsable line, got \(result.report)")
            return
        }
        #expect(result.problem?.line == 4 && message.hasPrefix("not JSON"))
        // The same verdict `gatefs log` gives.
        let view = AuditLogView(filter: AuditFilter(), json: false, formatter: AuditFormatter(color: false))
        #expect(String(decoding: view.render(AuditLine(file: path, number: 4, bytes: lines[3])) ?? [], as: UTF8.self).contains("unreadable line"))
    }

    @Test func aHeaderMustMatchTheFileBeforeIt() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 30, rotateBytes: 2048, keep: 10)
        // Change the current file's prev_hash and re-hash it (and what
        // follows) from the real previous line, so the chain itself holds.
        var lines = Fixture.rawLines(path)
        let header = String(decoding: lines[0], as: UTF8.self)
        let stated = try #require(try AuditRecord(line: lines[0]).previousHash)
        lines[0] = Array(header.replacingOccurrences(of: stated, with: String(repeating: "a", count: 64)).utf8)
        var all = Fixture.rawLines(path + ".1") + lines
        Fixture.rechain(&all, from: all.count - lines.count)
        Fixture.rewrite(path, Array(all.suffix(lines.count)))
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path, line: 1, kind: .badHeader("prev_hash is not the hash of the line before it")))
    }

    @Test func aNewChainAfterOlderFilesIsABreak() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 2)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Fixture.writeLog(dir.file("other.jsonl"), opens: 1)
        try FileManager.default.moveItem(atPath: dir.file("other.jsonl"), toPath: path)
        let result = try AuditVerifier(path: path).verify()
        guard case .badHeader(let reason)? = result.problem?.kind else {
            Issue.record("expected a bad header, got \(result.report)")
            return
        }
        #expect(result.problem?.file == path && reason.contains("new chain starts here"))
    }

    @Test func aHeaderInsideAFileIsABreak() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        lines.insert(lines[0], at: 3)
        let seqs = Array(1...UInt64(lines.count))
        for (index, seq) in seqs.enumerated() {
            let trailer = AuditChain.trailer(of: lines[index])!
            let body = Array(lines[index][0..<(trailer.bodyCount - String(trailer.seq).count)]) + Array(String(seq).utf8)
            lines[index] = body + AuditChain.hashKey + trailer.hash + Array(#""}"#.utf8)
        }
        Fixture.rechain(&lines, from: 0)
        Fixture.rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem?.line == 4)
        #expect(result.problem.map { "\($0)" }?.contains("header line inside a file") == true)
    }

    // MARK: Logs written by an older gatefs (no headers)

    /// A chain as gatefs wrote it before headers existed.
    private func legacyLog(_ path: String, firstSeq: UInt64 = 1, lines count: Int) {
        var encoder = AuditLineEncoder(previousHash: firstSeq == 1 ? AuditChain.genesis : Array(repeating: UInt8(ascii: "a"), count: 64),
                                       lastSeq: firstSeq - 1)
        var buffer: [UInt8] = []
        for index in 0..<count {
            let entry = AuditEntry(time: AuditTime(microseconds: 1_795_424_462_000_000 + Int64(index)), kind: .event(.readdir(entries: index)),
                                   path: [], caller: Fixture.agent, process: .unknown)
            encoder.append(entry, path: [], identity: LineIdentity(Fixture.agent, process: .unknown), to: &buffer)
        }
        Fixture.write(buffer, to: path)
    }

    @Test func oldLogsWithoutHeadersStillVerifyAndSaySo() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        legacyLog(path, lines: 5)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK(strict: true), "\(result.report)")  // it starts at seq 1 from genesis
        #expect(result.filesWithoutHeader == [path])
        #expect(result.report.contains("no header in \(path): written by an older gatefs"))
        #expect(try Fixture.records(path).count == 5)
    }

    @Test func anOldLogWhoseStartIsGoneFailsStrict() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        legacyLog(path, firstSeq: 803, lines: 5)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK && !result.isOK(strict: true))
        #expect(result.report.contains("the chain starts at seq 803"))
        #expect(result.report(strict: true).hasPrefix("INCOMPLETE: "))
    }

    @Test func theWriterContinuesAnOldLogWithoutAHeaderAndHeadersItsNextFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        legacyLog(path, lines: 3)
        try Fixture.writeLog(path, opens: 30, rotateBytes: 2048, keep: 10)
        let oldest = try #require(AuditFileSet.files(for: path).first)
        let events = try AuditReader(path: oldest, includeRotated: false).readAll().map { try $0.parse().event }
        #expect(events.prefix(4) == ["readdir", "readdir", "readdir", "mount"])
        #expect(!events.contains("header"))
        for file in AuditFileSet.files(for: path).dropFirst() {
            #expect(try AuditReader(path: file, includeRotated: false).next()?.parse().event == "header")
        }
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK(strict: true), "\(result.report)")
        #expect(result.filesWithoutHeader == [oldest])
    }
}
