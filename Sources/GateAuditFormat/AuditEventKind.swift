/// One thing the gate reports to the audit log. README.md ("The audit log")
/// documents the line each becomes; `AuditLineEncoder` writes it.
public enum AuditEventKind: Sendable {
    case mount(MountInfo)
    case unmount(MountInfo)
    /// `errno` 0 means the open succeeded and `handle` is live until its `close`.
    case open(mode: OpenMode, handle: UInt64, errno: Int32)
    /// A read request that reached the daemon.
    ///
    /// This is not "a read(2) by the agent": the kernel merges and splits reads
    /// (readahead turns a 100-byte read into a 128 KiB request), and when the
    /// mount lets the kernel cache file data, reads served from the page cache
    /// never reach the daemon and leave no line. `size` is what the kernel asked
    /// for, `bytes` what the daemon returned. The `close` line's totals are the
    /// dependable per-handle figure.
    case read(handle: UInt64, offset: UInt64, size: UInt32, bytes: UInt64)
    /// A write request that reached the daemon: `size` bytes asked to be
    /// written at `offset`, `bytes` written. With the kernel's writeback
    /// cache off (it is), every write(2) through the view becomes one or
    /// more of these, sent by the writing thread itself.
    case write(handle: UInt64, offset: UInt64, size: UInt32, bytes: UInt64)
    /// The last release of a handle; `reads` and `bytes` are the handle's
    /// read totals, `written` its write totals when it was open for writing.
    case close(handle: UInt64, reads: UInt64, bytes: UInt64, written: WriteTotals?)
    /// A change made through the view to the path (`AuditChange` says which).
    case change(AuditChange)
    /// The policy refused `op` on the path. `rule` names why ("secret:ssh",
    /// "deny:**/.env", "not-allowed", "symlink-escape", "hardlink-secret");
    /// `errno` is what the caller saw. The writer coalesces repeats of an
    /// identical denial into one line with a count (see `AuditRepeats`).
    case deny(op: String, rule: String, errno: Int32)
    /// A directory listing; `entries` counts the entries the caller could see.
    case readdir(entries: Int)
    /// A directory open: `errno` 0 means it succeeded and `handle` is the
    /// directory handle; `EMFILE` means the gate refused it (too many open).
    case opendir(handle: UInt64, errno: Int32)
    /// A getxattr that returned a value: the attribute's `name` (bytes, as
    /// the caller asked for it) and the value's size. The path is the node's.
    case xattr(name: [UInt8], bytes: Int)

    /// Whether the writer must attach the caller's process name at `record` time:
    /// the caller may exit before the writer thread gets to the line.
    package var resolvesCallerEagerly: Bool {
        switch self {
        case .open, .deny, .readdir, .opendir, .xattr, .change: true
        case .mount, .unmount, .read, .write, .close: false
        }
    }
}
