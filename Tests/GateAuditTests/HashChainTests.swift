import Foundation
import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

@Suite struct HashChainTests {
    /// SHA-256 by an independent implementation (coreutils), so the recipe is
    /// checked against the documentation, not against itself.
    private func sha256sum(_ bytes: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        input.fileHandleForWriting.closeFile()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data.prefix(64), as: UTF8.self)
    }

    @Test func hashFollowsTheDocumentedRecipe() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 3)
        let lines = Fixture.rawLines(path)
        #expect(lines.count == 6)  // the header is chained like any line
        var previous = String(repeating: "0", count: 64)
        for (index, line) in lines.enumerated() {
            let text = String(decoding: line, as: UTF8.self)
            let marker = text.range(of: #","hash":""#, options: .backwards)!
            let body = String(text[..<marker.lowerBound])
            #expect(body.hasSuffix(#","seq":\#(index + 1)"#))
            let expected = try sha256sum(Array((previous + body).utf8))
            let record = try AuditRecord(line: line)
            #expect(record.hash == expected, "line \(index + 1)")
            #expect(record.seq == UInt64(index + 1))
            previous = record.hash
        }
    }

    @Test func trailerRejectsLinesOfTheWrongShape() {
        #expect(AuditChain.trailer(of: Array(#"{"a":1}"#.utf8)) == nil)
        let hex = String(repeating: "a", count: 64)
        #expect(AuditChain.trailer(of: Array(#"{"x":1,"seq":7,"hash":"\#(hex)"}"#.utf8))?.seq == 7)
        #expect(AuditChain.trailer(of: Array(#"{"x":1,"seq":07,"hash":"\#(hex)"}"#.utf8)) == nil)
        #expect(AuditChain.trailer(of: Array(#"{"x":1,"seq":7,"hash":"\#(hex.uppercased())"}"#.utf8)) == nil)
        #expect(AuditChain.trailer(of: Array(#"{"x":1,"sequ":7,"hash":"\#(hex)"}"#.utf8)) == nil)
    }

    @Test func seqContinuesAcrossReopen() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Fixture.writeLog(path, opens: 2)
        try Fixture.writeLog(path, opens: 2)
        let records = try Fixture.records(path)
        #expect(records.map(\.seq) == Array(1...9))  // one header: the reopened file was not empty
        let verification = try AuditVerifier(path: path).verify()
        #expect(verification.isOK, "\(verification.report)")
        #expect(verification.startsAtGenesis)
        #expect(verification.lastSeq == 9)
    }
}
