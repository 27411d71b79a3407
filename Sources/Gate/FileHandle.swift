/// An open file or directory handle id, unique within one mount. It is the
/// `handle` of audit lines and the `fh` the kernel passes back.
public struct FileHandle: Sendable, Hashable, CustomStringConvertible {
    public let raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    public var description: String { "fh\(raw)" }
}
