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
    }

    var time: AuditTime
    var kind: Kind
    var path: [UInt8]
    var caller: Caller?
    /// Resolved on the FUSE thread for open/deny/readdir; nil means "look up later".
    var process: CallerProcess?

    public init(time: AuditTime, kind: Kind, path: [UInt8], caller: Caller? = nil, process: CallerProcess? = nil) {
        self.time = time
        self.kind = kind
        self.path = path
        self.caller = caller
        self.process = process
    }
}
