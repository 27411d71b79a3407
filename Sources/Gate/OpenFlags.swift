import GateAudit
import Glibc

/// What an open(2) asks for. The FUSE bridge decodes the kernel's flags
/// into one once, so the ops see Swift values, not C bits.
public struct OpenFlags: Sendable, Hashable {
    /// The access mode (`O_ACCMODE`).
    public var mode: OpenMode
    /// `O_TRUNC`, `O_APPEND`, `O_CREAT`: each asks to change the file, so
    /// the view refuses them even with read access.
    public var truncate: Bool
    public var append: Bool
    public var create: Bool

    public init(mode: OpenMode, truncate: Bool = false, append: Bool = false, create: Bool = false) {
        self.mode = mode
        self.truncate = truncate
        self.append = append
        self.create = create
    }

    /// Decodes the flags the caller passed to open(2).
    public init(openFlags flags: Int32) {
        self.init(
            mode: OpenMode(openFlags: flags), truncate: flags & O_TRUNC != 0, append: flags & O_APPEND != 0,
            create: flags & O_CREAT != 0)
    }

    /// Whether the open would let the caller change the file.
    var changesFile: Bool { mode != .read || truncate || append || create }
}
