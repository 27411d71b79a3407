import GateAudit

/// What an open(2) asks for, decoded from its flags once, by the FUSE bridge.
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

    /// Whether the open would let the caller change the file.
    var changesFile: Bool { mode != .read || truncate || append || create }
}
