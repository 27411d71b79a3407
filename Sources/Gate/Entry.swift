import GateSystem

/// A positive lookup answer: the node, its attributes and how long the kernel may cache them.
public struct Entry: Sendable {
    public let ino: InodeNumber
    /// The node's attributes, with `ino` set to the view's node id.
    public let attributes: FileStat
    public let entryTimeout: Double
    public let attrTimeout: Double
}

/// One visible directory entry, as readdir returns it.
public struct DirectoryItem: Sendable {
    public let name: [UInt8]
    public let kind: FileKind
    /// The offset the kernel passes back to continue after this entry.
    public let nextOffset: Int64
}

/// A read served straight from the source file: the bridge splices
/// `size` bytes at `offset` from `fd` to the kernel without copying them.
public struct ReadSource: Sendable {
    public let fd: Int32
    public let offset: Int64
    public let size: Int
}
