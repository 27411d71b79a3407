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
    /// Identities (st_dev, st_ino) that are always hidden, whatever their
    /// name: the audit log, its rotations and its lock file. Asked again on
    /// each check of a multiply-linked file, since rotation makes new files.
    public var hiddenIdentities: @Sendable () -> Set<FileIdentity> = { [] }

    /// Open files served at most; beyond this, open answers EMFILE to the
    /// caller, so one caller cannot use up the daemon's descriptors and
    /// starve every other caller (the fd hard limit here is 20000).
    public var maxOpenFiles: Int = 16_384
    /// Open files one calling process may hold at most, so that a process
    /// hoarding descriptors is refused while other callers are still served.
    public var maxOpenFilesPerCaller: Int = 8_192

    public init(source: String, policy: Policy) {
        self.source = source
        self.policy = policy
    }
}
