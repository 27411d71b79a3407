import GateAuditFormat
import GatePolicy
import GateSystem
import GateVocabulary

/// Everything a gate is built from. Values only; `GateFileSystem.init` does the I/O.
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
    /// Whether a regular file is one of the daemon's own audit files (the
    /// log, its rotations, its lock), which are hidden by identity whatever
    /// their name, path or link count: the source may reach them by another
    /// path (a bind mount of the home). Called on every regular file looked
    /// up or opened, so it must be cheap.
    public var isAuditFile: @Sendable (FileIdentity) -> Bool = { _ in false }

    /// Handles (open files and directories, one daemon descriptor each)
    /// served at most, in all, per process, per container and per user; beyond a cap,
    /// open and opendir answer EMFILE to the caller, so one caller cannot
    /// use up the daemon's descriptors and starve every other caller.
    /// `fitting(descriptorLimit:)` sizes them to the process's fd limit.
    public var handleCaps = HandleCaps(total: 16_384, perProcess: 8_192, perContainer: 12_288, perUser: 12_288)
    /// Descriptors kept free beyond every cap and cache, for the daemon's
    /// own work: `/proc` reads that name callers in the log, the log's
    /// rotations, re-opening nodes, the source-watch descriptors, and up to
    /// 256 secret stores held open (`SecretIdentities.storeDescriptorLimit`).
    public static let reservedDescriptors = 1_024
    /// Maps the calling thread to the process and container the caps count
    /// by. The daemon answers from `/proc` (thread group, cgroup); the
    /// default counts by the caller's pid.
    public var owner: @Sendable (Caller) -> HandleOwner = { HandleOwner(process: $0.pid, container: nil, uid: $0.uid) }

    /// The caps and the directory cache shrunk, where needed, so that all of
    /// them together plus `reservedDescriptors` fit under `limit` (the
    /// process's RLIMIT_NOFILE; 20000 here).
    public func fitting(descriptorLimit limit: Int) -> GateSettings {
        var out = self
        out.directoryFDCapacity = max(16, min(directoryFDCapacity, limit / 8))
        let total = max(16, min(handleCaps.total, limit - out.directoryFDCapacity - Self.reservedDescriptors))
        out.handleCaps = HandleCaps(
            total: total, perProcess: min(handleCaps.perProcess, total / 2),
            perContainer: min(handleCaps.perContainer, total * 3 / 4), perUser: min(handleCaps.perUser, total * 3 / 4))
        return out
    }

    public init(source: String, policy: Policy) {
        self.source = source
        self.policy = policy
    }
}

