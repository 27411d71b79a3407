/// What the `mount` and `unmount` lines record about the mount itself.
public struct MountInfo: Sendable, Hashable {
    /// The directory being exposed (absolute).
    public var source: String
    /// Where it is mounted (absolute).
    public var mountpoint: String
    /// The FUSE mount options, e.g. `["ro", "default_permissions"]`.
    public var options: [String]
    /// A digest of the effective policy, so two lines can be compared for "same rules".
    public var policyDigest: String
    /// How many rules the policy holds.
    public var rules: Int
    /// The patterns that grant write, as written; empty for a read-only view
    /// (the line then has no `write` key, as before write grants existed).
    public var write: [String]

    public init(
        source: String, mountpoint: String, options: [String], policyDigest: String, rules: Int, write: [String] = []
    ) {
        self.source = source
        self.mountpoint = mountpoint
        self.options = options
        self.policyDigest = policyDigest
        self.rules = rules
        self.write = write
    }
}
