/// A path gatefs hides for its own sake, whatever the rules say.
///
/// The mountpoint must be hidden when it lies inside the source, or a process
/// could walk into the mount from within the mount; the audit log must be
/// hidden so an agent cannot read (or learn the size of) its own trail.
public struct HiddenPath: Sendable, Hashable {
    /// Relative to the source root, segments separated by `/`; matched
    /// literally (no pattern syntax), because it names one concrete file.
    public let path: [UInt8]
    /// Reported as the rule, e.g. "mountpoint" or "audit-log".
    public let reason: String
    /// Also hide siblings whose name starts with the last segment, so
    /// rotations such as `access.jsonl.1` vanish with `access.jsonl`.
    public let prefixMatch: Bool

    public init(path: [UInt8], reason: String, prefixMatch: Bool) {
        self.path = path
        self.reason = reason
        self.prefixMatch = prefixMatch
    }

    public init(path: String, reason: String, prefixMatch: Bool) {
        self.init(path: Array(path.utf8), reason: reason, prefixMatch: prefixMatch)
    }
}
