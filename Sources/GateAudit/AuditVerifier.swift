/// Walks a log's hash chain across the file and its rotated predecessors.
///
/// Checks, for every line in order: the `…,"seq":N,"hash":"H"}` shape, that
/// `seq` is exactly one more than the previous line's, and that `H` is the
/// SHA-256 of the previous hash and this line's body (see `AuditChain`). The
/// oldest line present starts from genesis when its `seq` is 1; otherwise its
/// own hash is taken as the anchor, since its predecessors were rotated away.
/// No JSON parsing is needed: the hash covers the exact bytes.
public struct AuditVerifier {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func verify() throws(AuditLogError) -> AuditVerification {
        let reader = try AuditReader(path: path)
        var result = AuditVerification(files: reader.files, lines: 0, startsAtGenesis: false)
        var previousHash: [UInt8]?
        var expectedSeq: UInt64 = 0
        var hashScratch: [UInt8] = []
        var tailsSeen = 0
        while let line = try reader.next() {
            // An incomplete line in an older file sits inside the chain.
            if reader.incompleteTails.count > tailsSeen, let tail = reader.incompleteTails.last, tail.file != line.file {
                result.problem = AuditChainBreak(file: tail.file, line: tail.number, kind: .incompleteLine)
                return result
            }
            tailsSeen = reader.incompleteTails.count
            guard let trailer = AuditChain.trailer(of: line.bytes) else {
                result.problem = AuditChainBreak(file: line.file, line: line.number, kind: .malformed)
                return result
            }
            if let previous = previousHash {
                if trailer.seq != expectedSeq {
                    result.problem = try classifyGap(at: line, expected: expectedSeq, found: trailer.seq, reader: reader)
                    return result
                }
                line.bytes.withUnsafeBytes { raw in
                    AuditChain.hash(previous: previous, body: UnsafeRawBufferPointer(rebasing: raw[0..<trailer.bodyCount]), into: &hashScratch)
                }
                guard hashScratch == trailer.hash else {
                    result.problem = AuditChainBreak(file: line.file, line: line.number, kind: .hashMismatch)
                    return result
                }
            } else {
                result.firstSeq = trailer.seq
                if trailer.seq == 1 {
                    line.bytes.withUnsafeBytes { raw in
                        AuditChain.hash(previous: AuditChain.genesis, body: UnsafeRawBufferPointer(rebasing: raw[0..<trailer.bodyCount]), into: &hashScratch)
                    }
                    guard hashScratch == trailer.hash else {
                        result.problem = AuditChainBreak(file: line.file, line: line.number, kind: .hashMismatch)
                        return result
                    }
                    result.startsAtGenesis = true
                }
            }
            previousHash = trailer.hash
            expectedSeq = trailer.seq + 1
            result.lines += 1
            result.lastSeq = trailer.seq
            result.lastHash = String(decoding: trailer.hash, as: UTF8.self)
        }
        if let tail = reader.incompleteTails.last {
            if tail.file == reader.files.last {
                result.incompleteTail = tail
            } else {
                result.problem = AuditChainBreak(file: tail.file, line: tail.number, kind: .incompleteLine)
            }
        }
        return result
    }

    /// A `seq` that is not the expected one: lines were deleted if the
    /// expected `seq` never shows up later, moved if it does (or if `seq` went back).
    private func classifyGap(at line: AuditLine, expected: UInt64, found: UInt64, reader: AuditReader) throws(AuditLogError) -> AuditChainBreak {
        if found < expected {
            return AuditChainBreak(file: line.file, line: line.number, kind: .reordered(expected: expected, found: found))
        }
        while let later = try reader.next() {
            if AuditChain.trailer(of: later.bytes)?.seq == expected {
                return AuditChainBreak(file: line.file, line: line.number, kind: .reordered(expected: expected, found: found))
            }
        }
        return AuditChainBreak(file: line.file, line: line.number, kind: .missing(expected: expected, found: found))
    }
}
