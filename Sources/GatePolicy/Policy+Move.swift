extension Policy {
    /// Whether a directory shown with cursor `from` may be moved to where
    /// it would have cursor `to` without changing what is hidden beneath
    /// it. True when the same hiding rules are still live at both places
    /// (the built-in secrets, which apply at any depth, always are).
    ///
    /// False when a deny, secret or except pattern anchored below one of the
    /// two places could match beneath the directory: `mv build out` with
    /// `deny = ["projects/demo/build/*.key"]` would otherwise show the keys
    /// as `out/*.key`. Allow and write rules are not compared: a move is
    /// only made between two places a write grant covers, and a grant shows
    /// everything beneath it.
    public func hidesAlike(_ from: PolicyCursor, _ to: PolicyCursor) -> Bool {
        guard from.hideRule == to.hideRule, from.secretRule == to.secretRule,
              from.exceptCovered == to.exceptCovered else { return false }
        return hidingNodes(from) == hidingNodes(to)
    }

    private func hidingNodes(_ cursor: PolicyCursor) -> Set<Int32> {
        let hiding: CategorySet = [.hidden, .deny, .secret, .except]
        return Set(cursor.nodes.filter { !automaton.nodes[Int($0)].categoriesBelow.isDisjoint(with: hiding) })
    }
}
