import GateSystem
import SystemPackage

/// A positive lookup answer: the node, its attributes and how long the kernel may cache them.
public struct Entry: Sendable {
    public let ino: InodeNumber
    /// Which use of the node id `ino` this node is.
    public let generation: Generation
    /// The node's attributes. Their `ino` is the source file's own with the
    /// default `InodeNumbering.source`, the node id only with `.private`.
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
    public let fd: FileDescriptor
    public let offset: Int64
    public let size: Int
}

/// A file the view opened: its handle, and how the kernel must treat it.
public struct OpenedFile: Sendable {
    public let handle: FileHandle
    /// The file changed since its attributes were last sent (a file grown
    /// on the host): the kernel must drop them, or it cuts reads at the old size.
    public let attributesStale: Bool
    /// Another handle of the same file is open: this one bypasses the
    /// kernel's page cache, so each handle's reads reach the daemon and its
    /// `close` line counts them (shared pages would be served to one handle
    /// from another's reads, unrecorded).
    public let directIO: Bool
}

/// What a lookup answers.
public enum LookupAnswer: Sendable {
    case entry(Entry)
    /// No such name as far as the view goes. `after` is work to run once
    /// the reply has been sent (a hidden name's audit line).
    case negative(after: (@Sendable () -> Void)?)
}
