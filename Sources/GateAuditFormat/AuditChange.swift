/// One change to the tree made through the view; each is its own event
/// (`AuditEventName`), and the line's `path` is the name changed.
public enum AuditChange: Sendable, Hashable {
    /// A regular file created and opened as `handle`; `mode` as created
    /// (permission bits, after the setuid/setgid strip).
    case create(mode: UInt32, handle: UInt64)
    case mkdir(mode: UInt32)
    /// A FIFO, socket or (through mknod) regular file; `mode` includes the type bits.
    case mknod(mode: UInt32)
    case unlink
    case rmdir
    /// `from` (also the line's `path`) moved to `to`; `flags` is nil,
    /// "noreplace" or "exchange".
    case rename(from: [UInt8], to: [UInt8], flags: String?)
    /// A new name `path` for the existing file `target` (both view paths).
    case link(target: [UInt8])
    /// A symlink `path` holding `target`, as the caller wrote it.
    case symlink(target: [UInt8])
    case setattr(AttributeChange)
    /// A `user.*` attribute set to a value of `bytes` bytes.
    case setxattr(name: [UInt8], bytes: Int)
    case removexattr(name: [UInt8])
    /// Space allocated (or punched, by `mode`, fallocate(2)'s flags) on an open handle.
    case fallocate(handle: UInt64, offset: UInt64, length: UInt64, mode: Int32)
}

/// What a setattr changed; nil fields were left alone.
public struct AttributeChange: Sendable, Hashable {
    /// Permission bits as set (after the setuid/setgid strip).
    public var mode: UInt32?
    public var size: UInt64?
    public var accessTime: ChangeTime?
    public var modificationTime: ChangeTime?
    public var uid: UInt32?
    public var gid: UInt32?

    public init(
        mode: UInt32? = nil, size: UInt64? = nil, accessTime: ChangeTime? = nil,
        modificationTime: ChangeTime? = nil, uid: UInt32? = nil, gid: UInt32? = nil
    ) {
        self.mode = mode
        self.size = size
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.uid = uid
        self.gid = gid
    }
}

/// A time a setattr set: the current time, or a given one.
public enum ChangeTime: Sendable, Hashable {
    case now
    case at(AuditTime)
}

/// A handle's write totals for its `close` line.
public struct WriteTotals: Sendable, Hashable {
    public var writes: UInt64
    public var bytes: UInt64

    public init(writes: UInt64, bytes: UInt64) {
        self.writes = writes
        self.bytes = bytes
    }
}
