import GateAuditFormat
import GateSystem

/// Walks a log's hash chain across the file and its rotated predecessors.
///
/// Checks, for every line in order: the `…,"seq":N,"hash":"H"}` shape; that
/// the line is a valid record (what `gatefs log` can show); that `seq` is
/// exactly one more than the previous line's; and that `H` is the SHA-256 of
/// the previous hash and this line's body (see `AuditChain`).
///
/// Where the chain starts: every file the writer creates begins with a
/// `header` line naming the hash before it (`prev_hash`; genesis and
/// `start: true` for the chain's first file). So the oldest line's own hash
/// is checked too, a header is checked against the file before it, and a
/// file whose first line is not a header either was written by an older
/// gatefs or lost its head. When the oldest line present is not the chain's
/// start, the result says so (`startIsMissing`), and whether a `rotate` line
/// accounts for it.
///
/// Files: a rotated file missing below older ones (`FILE.1` gone while
/// `FILE.2` exists) is a break of its own.
public struct AuditVerifier {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func verify() throws(AuditLogError) -> AuditVerification {
        var missing = AuditFileSet.missing(for: path)
        if missing == [path] {
            // The writer renames FILE to FILE.1 and then creates FILE: a
            // rotation in progress looks like this for a moment.
            Sys.sleep(microseconds: 100_000)
            missing = AuditFileSet.missing(for: path)
        }
        let reader = try AuditReader(path: path)
        var walk = Walk(result: AuditVerification(files: reader.files, lines: 0, startsAtGenesis: false))
        if let gone = missing.first {
            walk.result.problem = AuditChainBreak(file: gone, line: 0, kind: .missingFile)
            return walk.result
        }
        var tailsSeen = 0
        while let line = try reader.next() {
            // An incomplete line in an older file sits inside the chain.
            if reader.incompleteTails.count > tailsSeen, let tail = reader.incompleteTails.last, tail.file != line.file {
                walk.result.problem = AuditChainBreak(file: tail.file, line: tail.number, kind: .incompleteLine)
                return walk.result
            }
            tailsSeen = reader.incompleteTails.count
            switch walk.check(line) {
            case .ok:
                continue
            case .broken(let problem):
                walk.result.problem = problem
                return walk.result
            case .gap(let expected, let found):
                walk.result.problem = try classifyGap(at: line, expected: expected, found: found, reader: reader)
                return walk.result
            }
        }
        if let tail = reader.incompleteTails.last {
            if tail.file == reader.files.last {
                walk.result.incompleteTail = tail
            } else {
                walk.result.problem = AuditChainBreak(file: tail.file, line: tail.number, kind: .incompleteLine)
            }
        }
        return walk.result
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

/// The verifier's state between lines.
private struct Walk {
    enum Verdict {
        case ok
        case broken(AuditChainBreak)
        case gap(expected: UInt64, found: UInt64)
    }

    var result: AuditVerification
    private var previousHash: [UInt8]?
    private var expectedSeq: UInt64 = 0
    /// The oldest file's `prev_hash` when the start is missing: a `rotate`
    /// line with this `last_hash` accounts for it.
    private var anchor: [UInt8]?
    private var scratch: [UInt8] = []

    init(result: AuditVerification) {
        self.result = result
    }

    mutating func check(_ line: AuditLine) -> Verdict {
        func broken(_ kind: AuditChainBreak.Kind) -> Verdict {
            .broken(AuditChainBreak(file: line.file, line: line.number, kind: kind))
        }
        guard let trailer = AuditChain.trailer(of: line.bytes) else { return broken(.malformed) }
        let record: AuditRecord
        do {
            record = try line.parse()
        } catch {
            return broken(.unparsable(error.message))
        }
        let isHeader = record.kind == .header
        if isHeader && line.number != 1 { return broken(.badHeader("a header line inside a file; headers only start files")) }
        if !isHeader && line.number == 1 { result.filesWithoutHeader.append(line.file) }
        let previous: [UInt8]
        if let known = previousHash {
            if isHeader, record.start == true {
                return broken(.badHeader("a new chain starts here: the lines before it belong to another chain"))
            }
            guard trailer.seq == expectedSeq else { return .gap(expected: expectedSeq, found: trailer.seq) }
            if isHeader, let reason = Self.headerProblem(record, seq: trailer.seq, previous: known) { return broken(.badHeader(reason)) }
            previous = known
        } else {
            result.firstSeq = trailer.seq
            guard let start = startingHash(record, trailer: trailer) else {
                return broken(.badHeader(Self.headerProblem(record, seq: trailer.seq, previous: nil) ?? "inconsistent"))
            }
            previous = start
        }
        if previousHash != nil || result.firstLineChecked {
            line.bytes.withUnsafeBytes { raw in
                AuditChain.hash(previous: previous, body: UnsafeRawBufferPointer(rebasing: raw[0..<trailer.bodyCount]), into: &scratch)
            }
            guard scratch == trailer.hash else { return broken(.hashMismatch) }
        }
        if record.kind == .rotate, let anchor, record.lastHash.map({ Array($0.utf8) }) == anchor {
            result.startRotatedAwayBySeq = trailer.seq
        }
        previousHash = trailer.hash
        expectedSeq = trailer.seq + 1
        result.lines += 1
        result.lastSeq = trailer.seq
        result.lastHash = String(decoding: trailer.hash, as: UTF8.self)
        return .ok
    }

    /// The hash the oldest line chains from, when known (else the line is
    /// taken as the anchor unchecked); nil for a header that contradicts itself.
    private mutating func startingHash(_ record: AuditRecord, trailer: AuditChain.Trailer) -> [UInt8]? {
        if record.kind == .header {
            guard Self.headerProblem(record, seq: trailer.seq, previous: nil) == nil, let stated = record.previousHash else { return nil }
            result.firstLineChecked = true
            result.startsAtGenesis = record.start == true
            if record.start != true { anchor = Array(stated.utf8) }
            return Array(stated.utf8)
        }
        if trailer.seq == 1 {
            result.firstLineChecked = true
            result.startsAtGenesis = true
            return AuditChain.genesis
        }
        return []  // unchecked: nothing says what came before
    }

    /// Why a header does not fit, or nil: `start` must hold exactly for
    /// seq 1 from genesis, and `prev_hash` must be the previous line's hash.
    static func headerProblem(_ record: AuditRecord, seq: UInt64, previous: [UInt8]?) -> String? {
        guard let stated = record.previousHash, let start = record.start, stated.utf8.count == 64,
            stated.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return "no start flag or no 64-hex prev_hash" }
        let genesis = Array(stated.utf8) == AuditChain.genesis
        if start != (seq == 1) || start != genesis {
            return start ? "says the chain starts here, but seq is \(seq)" : "says it continues a chain, but seq is \(seq)"
        }
        if let previous, Array(stated.utf8) != previous {
            return "prev_hash is not the hash of the line before it"
        }
        return nil
    }
}
