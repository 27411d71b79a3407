/// The kinds of compiled rule, in the order the decision consults them.
enum RuleCategory: UInt8, Sendable {
    case hidden = 0, deny, secret, except, allow, write

    var bit: CategorySet { CategorySet(rawValue: 1 << rawValue) }
}
