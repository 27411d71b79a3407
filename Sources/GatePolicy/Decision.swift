/// What the policy says about one path, and why.
public struct Decision: Sendable, Hashable {
    public let visibility: Visibility
    public let rule: Rule

    public init(visibility: Visibility, rule: Rule) {
        self.visibility = visibility
        self.rule = rule
    }
}
