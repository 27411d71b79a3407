import Foundation
import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

@Suite struct VerifierTests {
    private func makeLog(_ dir: TemporaryDirectory, opens: Int = 6) throws -> (String, [[UInt8]]) {
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: opens)
        return (path, Fixture.rawLines(path))
    }

    private func rewrite(_ path: String, _ lines: [[UInt8]]) {
        Fixture.write(lines.flatMap { $0 + [0x0A] }, to: path)
    }

    @Test func intactLogVerifies() throws {
        let dir = TemporaryDirectory()
        let (path, lines) = try makeLog(dir)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK)
        #expect(result.lines == lines.count)
        #expect(result.firstSeq == 1 && result.lastSeq == UInt64(lines.count))
        #expect(result.report.hasPrefix("OK: 9 lines in 1 file"))  // header, mount, 6 opens, unmount
        #expect(result.isOK(strict: true) && result.firstLineChecked && result.filesWithoutHeader.isEmpty)
    }

    @Test func detectsAnEditedLine() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        // Line 5 (after the header) is the open of file2.txt.
        let text = String(decoding: lines[4], as: UTF8.self).replacingOccurrences(of: "file2.txt", with: "file9.txt")
        lines[4] = Array(text.utf8)
        rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path, line: 5, kind: .hashMismatch))
        #expect(result.lines == 4)
    }

    @Test func detectsAnEditWhoseHashWasRecomputed() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        // Re-hash line 5 correctly after editing it: then line 6 must fail.
        let previous = try AuditRecord(line: lines[3]).hash
        var body = Array(String(decoding: lines[4], as: UTF8.self).replacingOccurrences(of: "file2.txt", with: "file9.txt").utf8)
        let trailer = AuditChain.trailer(of: body)!
        body.removeLast(body.count - trailer.bodyCount)
        var hash: [UInt8] = []
        body.withUnsafeBytes { AuditChain.hash(previous: Array(previous.utf8), body: $0, into: &hash) }
        lines[4] = body + AuditChain.hashKey + hash + Array("\"}".utf8)
        rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path, line: 6, kind: .hashMismatch))
    }

    @Test func detectsADeletedLine() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        lines.remove(at: 4)
        rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path, line: 5, kind: .missing(expected: 5, found: 6)))
        #expect(!result.isOK)
        #expect(result.report.contains("missing"))
    }

    @Test func detectsReorderedLines() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        lines.swapAt(2, 5)
        rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path, line: 3, kind: .reordered(expected: 3, found: 6)))
    }

    @Test func detectsADeletedFirstLineOfAGenesisChain() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        // Dropping line 1 leaves a chain starting at seq 2: allowed only as a
        // rotated-away prefix, and reported as such.
        lines.removeFirst()
        rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK)
        #expect(!result.startsAtGenesis)
        #expect(result.report.contains("chain starts at seq 2"))
    }

    @Test func detectsGarbageInsideTheChain() throws {
        let dir = TemporaryDirectory()
        var (path, lines) = try makeLog(dir)
        lines.insert(Array(#"{"hello":"world"}"#.utf8), at: 2)
        rewrite(path, lines)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.problem == AuditChainBreak(file: path, line: 3, kind: .malformed))
    }

    @Test func readerKeepsItsFilesWhenARotationRenamesThem() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 30, rotateBytes: 2048, keep: 10)
        let reader = try AuditReader(path: path)
        let count = reader.files.count
        // A rotation happens after the reader listed the files.
        for index in stride(from: count - 1, through: 1, by: -1) {
            try FileManager.default.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
        }
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        let seqs = try reader.readAll().map { try $0.parse().seq }
        #expect(seqs == Array(seqs.first!...(seqs.first! + UInt64(seqs.count) - 1)))
        #expect(seqs.last == UInt64(32 + count))  // 32 events and one header per file
    }

    @Test func missingFileIsAnError() {
        #expect(throws: AuditLogError.self) { try AuditVerifier(path: "/nonexistent/gatefs/access.jsonl").verify() }
    }
}
