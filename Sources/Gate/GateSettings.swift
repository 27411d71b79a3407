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
    /// Which inode numbers the view reports in stat and readdir.
    public var inodeNumbers: InodeNumbering = .source
    /// Listings of at least this many visible entries may be served from
    /// the kernel's cache when the directory has not changed since it was
    /// listed. Smaller ones are always listed again with readdirplus, which
    /// refreshes the cached attributes of every entry in one request, so a
    /// walk (find, du) that stats each entry does not ask per entry.
    public var cachedListingMinimum: Int = 1024
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

/// The inode numbers (`st_ino`, `d_ino`) the view reports.
public enum InodeNumbering: String, Sendable, CaseIterable {
    /// The source file's own: tools that compare them with numbers recorded
    /// outside the view (git's index, rsync, backup catalogues) see the same
    /// files. Only visible files' numbers are ever shown.
    case source
    /// gatefs's node ids, given out in lookup order: they say nothing about
    /// the source, but git re-reads every tracked file on each `status`.
    case `private`
}
