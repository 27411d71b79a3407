import GateSystem

/// A node's size and modification and change times. Any write, truncate,
/// utimes or link change moves ctime, so an unchanged stamp means what the
/// kernel cached from the node (a file's attributes, a directory's listing)
/// still describes it.
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
