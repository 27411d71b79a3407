/// Which use of a node id a node is. The kernel may be given an id again
/// once it has forgotten it (`NodeSlab` reuses slots), and each reuse
/// takes the next generation, so a (node id, generation) pair names one
/// node over the whole life of the mount, as `fuse_entry_param.generation`
/// asks (fuse_lowlevel.h).
public struct Generation: Sendable, Hashable, CustomStringConvertible {
    public let raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    /// An id's first use.
    public static let first = Generation(0)
    var next: Generation { Generation(raw &+ 1) }
    public var description: String { "gen\(raw)" }
}
