import GatePolicy
import GateSystem

/// Everything a gate is built from. Values only; `Gate.init` does the I/O.
public struct GateSettings: Sendable {
    /// Absolute, symlink-free path of the source directory.
    public var source: String
    public var policy: Policy
    /// Seconds the kernel may cache a name (the policy is static while mounted).
    public var entryTimeout: Double = 30
    /// Seconds the kernel may cache attributes. Short, because the source can
    /// change underneath the view and a stale size truncates reads.
    public var attrTimeout: Double = 1
    /// Directory descriptors kept open at most (the fd hard limit is 20000).
    public var directoryFDCapacity: Int = 2048
    /// Identities (st_dev, st_ino) that are always hidden, whatever their name:
    /// the audit log and its rotations, when they lie inside the source.
    public var hiddenIdentities: Set<FileIdentity> = []

    public init(source: String, policy: Policy) {
        self.source = source
        self.policy = policy
    }
}
