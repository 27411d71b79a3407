import GateSystem

/// What the kernel was last told about a node: its size and modification
/// and change times. Any write, truncate, utimes or link change moves ctime,
/// so an unchanged stamp means the attributes the kernel caches for the
/// node (for a directory: the listing it cached) still describe it.
struct ChangeStamp: Hashable, Sendable {
    var size: UInt64
    var mtime: FileStat.Timestamp
    var ctime: FileStat.Timestamp

    init(_ st: FileStat) {
        size = st.size
        mtime = st.mtime
        ctime = st.ctime
    }
}

/// How an open node may use the kernel's caches.
public struct CachePolicy: Sendable {
    /// Keep the listing the kernel cached for a directory at an earlier
    /// open: the directory has not changed since. Never set for files: in
    /// the default mode every read must reach the daemon and its log, so an
    /// open always drops the file's cached pages.
    public var keepCache: Bool
    /// The kernel holds attributes that no longer match the file; drop them
    /// so its next read or stat asks again (a grown file is not cut short).
    public var attributesStale: Bool

    public static let fresh = CachePolicy(keepCache: false, attributesStale: false)
}
