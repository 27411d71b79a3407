/// A set of `RuleCategory`, one bit each.
struct CategorySet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    static let hidden = RuleCategory.hidden.bit
    static let deny = RuleCategory.deny.bit
    static let secret = RuleCategory.secret.bit
    static let except = RuleCategory.except.bit
    static let allow = RuleCategory.allow.bit
    static let write = RuleCategory.write.bit
}
