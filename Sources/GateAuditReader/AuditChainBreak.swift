/// The first place where a log's hash chain does not hold.
public struct AuditChainBreak: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The line lacks the `…,"seq":N,"hash":"…"}` shape.
        case malformed
        /// `seq` is right but the hash is not: this line, or the one before it, was edited.
        case hashMismatch
        /// `seq` jumps forward and the skipped lines appear nowhere later: deleted.
        case missing(expected: UInt64, found: UInt64)
        /// `seq` is out of order: lines were moved (or duplicated).
        case reordered(expected: UInt64, found: UInt64)
        /// A line without its newline in a file that is not the newest.
        case incompleteLine
        /// The line has the chain's shape (and may even chain correctly) but
        /// is not a valid record: `gatefs log` could not show it.
        case unparsable(String)
        /// A file of the set is missing while older ones exist (`line` is 0):
        /// the writer never leaves such a gap, so it was deleted.
        case missingFile
        /// A `header` line that contradicts the chain: the reason.
        case badHeader(String)
    }

    public var file: String
    /// 1-based line number within `file`.
    public var line: Int
    public var kind: Kind

    public var description: String {
        let place = "\(file):\(line)"
        switch kind {
        case .malformed:
            return "\(place): not a chained audit record"
        case .hashMismatch:
            return "\(place): hash does not match; this line or the one before it was changed"
        case .missing(let expected, let found):
            let gap = found - expected == 1 ? "line with seq \(expected) is" : "lines with seq \(expected)…\(found - 1) are"
            return "\(place): expected seq \(expected), found \(found); \(gap) missing"
        case .reordered(let expected, let found):
            return "\(place): expected seq \(expected), found \(found); lines are out of order"
        case .incompleteLine:
            return "\(place): incomplete line inside the chain"
        case .unparsable(let message):
            return "\(place): not a valid audit record (\(message)); the chain may have been recomputed over it"
        case .missingFile:
            return "\(file) is missing while older rotated files exist: it was deleted, and every line in it with it"
        case .badHeader(let reason):
            return "\(place): bad header: \(reason)"
        }
    }
}
