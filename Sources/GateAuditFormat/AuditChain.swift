internal import Crypto

/// The hash chain that makes edits, deletions and reordering of log lines detectable.
///
/// Every line the writer produces has the exact shape
///
///     {BODY,"seq":N,"hash":"H"}\n
///
/// where `{BODY,"seq":N` is everything before `,"hash":"`. The writer's encoder
/// emits keys in a fixed order with canonical escaping, so the line's bytes
/// *are* the canonical form and no re-encoding is ever needed to check it.
///
/// The recipe, byte for byte:
///
///     H(n) = lowercase_hex( SHA-256( H(n-1) || B(n) ) )
///
/// - `H(n-1)` is the previous line's `hash` value as its 64 ASCII hex bytes;
///   for the first line of a chain (`seq` 1) it is the genesis value,
///   64 ASCII `0` characters.
/// - `B(n)` is this line's bytes from its opening `{` up to and excluding the
///   `,"hash":"` that precedes its hash, i.e. the line without its hash field,
///   closing `}` and newline. It ends with `,"seq":N`.
/// - `seq` starts at 1 and grows by exactly 1 per line, across daemon restarts
///   and rotated files.
///
/// Editing a line changes its `B`, so its own hash fails; recomputing that hash
/// breaks the next line instead. Deleting or moving a line breaks `seq` and the
/// next line's hash. What the chain cannot catch alone is truncation of the
/// newest lines or a rewrite of the whole tail: compare the last `seq`/`hash`
/// with a copy kept elsewhere for that.
package enum AuditChain {
    /// The log format a `header` line names: 2 since files start with a
    /// header; files without one were written by an older gatefs (format 1).
    package static let format = 2

    /// 64 ASCII zeros.
    package static let genesis: [UInt8] = Array(repeating: UInt8(ascii: "0"), count: 64)

    /// `,"hash":"`, which the hash follows on every line.
    package static let hashKey: [UInt8] = {
        var key: [UInt8] = []
        key.appendKey(.hash)
        return key + [UInt8(ascii: "\"")]
    }()
    /// `,"seq":`.
    package static let seqKey: [UInt8] = {
        var key: [UInt8] = []
        key.appendKey(.seq)
        return key
    }()

    /// `lowercase_hex(SHA-256(previous || body))` as 64 ASCII bytes written into `out`.
    package static func hash(previous: [UInt8], body: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var hasher = SHA256()
        previous.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: body)
        let digest = hasher.finalize()
        out.removeAll(keepingCapacity: true)
        for byte in digest { out.appendHexByte(byte) }
    }

    /// The chain fields of one line (no trailing newline).
    package struct Trailer: Equatable, Sendable {
        package var seq: UInt64
        /// The 64 hex bytes of the line's `hash`.
        package var hash: [UInt8]
        /// How many leading bytes of the line are hashed (`B`).
        package var bodyCount: Int
    }

    /// Reads `seq` and `hash` from the end of a line, or nil when the line does
    /// not have the writer's exact shape. On `[UInt8]`, not generic: the
    /// verifier in another module calls it for every line, and a generic
    /// would reach it unspecialized.
    package static func trailer(of line: [UInt8]) -> Trailer? {
        let start = line.startIndex
        let end = line.endIndex
        let tailLength = hashKey.count + 64 + 2  // ,"hash":" + hex + "}
        guard end - start > tailLength + seqKey.count + 1, line[start] == UInt8(ascii: "{"),
            line[end - 1] == UInt8(ascii: "}"), line[end - 2] == UInt8(ascii: "\"")
        else { return nil }
        let hashStart = end - 2 - 64
        let keyStart = hashStart - hashKey.count
        guard line[keyStart..<hashStart].elementsEqual(hashKey) else { return nil }
        var hash: [UInt8] = []
        hash.reserveCapacity(64)
        for byte in line[hashStart..<(end - 2)] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            else { return nil }
            hash.append(byte)
        }
        // Digits of seq, read backwards from the hash key.
        var digitStart = keyStart
        while digitStart > start, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[digitStart - 1]) {
            digitStart -= 1
        }
        let digitCount = keyStart - digitStart
        guard digitCount > 0, digitCount <= 20, digitStart - start >= seqKey.count + 1,
            line[(digitStart - seqKey.count)..<digitStart].elementsEqual(seqKey),
            digitCount == 1 || line[digitStart] != UInt8(ascii: "0")
        else { return nil }
        var seq: UInt64 = 0
        for byte in line[digitStart..<keyStart] {
            let (times10, o1) = seq.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            seq = next
        }
        return Trailer(seq: seq, hash: hash, bodyCount: keyStart - start)
    }
}
