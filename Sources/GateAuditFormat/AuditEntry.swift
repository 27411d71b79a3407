/// One line waiting in the queue: what happened, stamped, but not yet encoded.
///
/// Building it costs the FUSE thread a struct copy and a retain of `path`;
/// JSON, hashing and I/O all happen on the writer thread.
public struct AuditEntry {
    public enum Kind {
        case event(AuditEventKind)
        /// Written by the writer for producers that blocked on a full queue.
        case backpressure(waitedMicroseconds: UInt64, blocked: UInt64, maxMicroseconds: UInt64)
        /// Written once at open when a torn last line was cut off the file.
        case recover(torn: [UInt8], tornBytes: Int)
        /// The first line of every file the writer creates. `previousHash` is
        /// the chain's hash before it (genesis for the start of a chain).
        case header(start: Bool, previousHash: [UInt8])
        /// A rotation deleted `file`, whose last line had `lastSeq`/`lastHash` (when readable).
        case rotated(file: String, lastSeq: UInt64?, lastHash: [UInt8]?)
        /// `count` more denials identical to one already written (same
        /// caller, op, rule, path and errno), the first at `first` and the
        /// last at `last`. Made by `AuditRepeats`; written as a `deny` line.
        case repeated(op: String, rule: String, errno: Int32, count: UInt64, first: AuditTime, last: AuditTime)
    }

    package var time: AuditTime
    package var kind: Kind
    package var path: [UInt8]
    package var caller: Caller?
    /// Resolved on the FUSE thread for open/deny/readdir; nil means "look up later".
    package var process: CallerProcess?

    public init(time: AuditTime, kind: Kind, path: [UInt8], caller: Caller? = nil, process: CallerProcess? = nil) {
        self.time = time
        self.kind = kind
        self.path = path
        self.caller = caller
        self.process = process
    }
}
