/// A node id in the view, as the kernel knows it. Never a source st_ino:
/// gatefs numbers inodes itself, so the numbers reveal nothing about hidden
/// siblings in the source.
public struct InodeNumber: Sendable, Hashable, CustomStringConvertible {
    public let raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    /// FUSE_ROOT_ID.
    public static let root = InodeNumber(1)
    public var description: String { "#\(raw)" }
}
