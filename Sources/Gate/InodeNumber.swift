/// A node id in the view, as the kernel knows it (FUSE's `nodeid`): gatefs's
/// own number for a node, its slot in the inode table, never a source st_ino.
/// It is not what `stat` reports by default: with `InodeNumbering.source`
/// (the default) the view reports the visible files' own st_ino, and only
/// with `.private` does `st_ino` carry this number, which says nothing
/// about the source.
public struct InodeNumber: Sendable, Hashable, CustomStringConvertible {
    public let raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    /// FUSE_ROOT_ID.
    public static let root = InodeNumber(1)
    public var description: String { "#\(raw)" }
}
