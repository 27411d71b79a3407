/// What the policy says about one path, and why.
public struct Decision: Sendable, Hashable {
    public let visibility: Visibility
    public let rule: Rule
    /// The write grant covering a visible path, or nil: the path is
    /// read-only. Never set unless `visibility` is `.visible`.
    public let write: Rule?

    public init(visibility: Visibility, rule: Rule, write: Rule? = nil) {
        self.visibility = visibility
        self.rule = rule
        self.write = write
    }

    /// Whether a change to the path may be made.
    public var isWritable: Bool { write != nil }
}
