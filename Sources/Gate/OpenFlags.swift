import GateAuditFormat
import SystemPackage

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
        let options = FileDescriptor.OpenOptions(rawValue: flags)
        self.init(
            mode: OpenMode(openFlags: flags), truncate: options.contains(.truncate),
            append: options.contains(.append), create: options.contains(.create))
    }

    /// Whether the open would let the caller change the file.
    var changesFile: Bool { mode != .read || truncate || append || create }
}
