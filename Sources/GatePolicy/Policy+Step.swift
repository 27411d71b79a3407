extension Policy {
    /// Decides the child `name` (one segment, no '/') of the directory whose
    /// cursor is `parent`. Returns the decision and, when the child is a
    /// directory that is shown (visible or ancestor), its cursor.
    ///
    /// Cost is proportional to the parent's live node count (typically 1–3)
    /// times the general glob edges of those nodes, plus one hash per live
    /// node with literal edges and one per distinct length of its `lit*` and
    /// `*lit` edges; it does not grow with the number of literal, prefix or
    /// suffix rules. Built-in rules live in nodes of their own: while one is
    /// live the name is also lowered into a stack buffer and tried once more
    /// per backup decoration it carries (none, for almost every name). No
    /// allocation happens unless a shown directory's live set changes.
    public func step(_ parent: PolicyCursor, name: [UInt8], isDirectory: Bool) -> (Decision, PolicyCursor?) {
        name.withUnsafeBufferPointer { step(parent, name: $0, isDirectory: isDirectory) }
    }

    /// Whole-path convenience: steps segment by segment from the root. A path
    /// beneath a hidden directory gets that directory's decision. Every
    /// segment but the last is taken to be a directory.
    public func decide(_ path: [UInt8], isDirectory: Bool) -> Decision {
        path.withUnsafeBufferPointer { buffer in
            var cursor = root
            var segments = PathSegments(buffer)
            guard var name = segments.next() else { return rootDecision }
            while true {
                let following = segments.next()
                let (decision, child) = step(cursor, name: name, isDirectory: following == nil ? isDirectory : true)
                guard let following, let child else { return decision }
                cursor = child
                name = following
            }
        }
    }

    public func decide(_ path: String, isDirectory: Bool) -> Decision {
        decide(Array(path.utf8), isDirectory: isDirectory)
    }

    func step(_ parent: PolicyCursor, name: UnsafeBufferPointer<UInt8>, isDirectory: Bool) -> (Decision, PolicyCursor?) {
        // Only the root can be covered by a hidden path and still have a
        // cursor; nothing outranks that, so skip the matching.
        if parent.hideRule >= 0, categories[Int(parent.hideRule)] == .hidden {
            return (Decision(visibility: .hidden, rule: reported[Int(parent.hideRule)]), nil)
        }
        // Sized from the live nodes' own fan-out, so it stays on the stack
        // (under 1 KiB) unless one of them has hundreds of glob edges.
        var capacity = 1
        var folds = false
        for id in parent.nodes {
            capacity += Int(automaton.nodes[Int(id)].fanout)
            folds = folds || automaton.nodes[Int(id)].folded
        }
        // The lowered name, for built-in nodes only; empty when none is live.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: folds ? name.count : 0) { lowered in
            if folds { BuiltinMatching.lowercase(name, into: lowered) }
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { scratch in
                var next = NodeSetBuilder(scratch)
                var hits = CategoryHits()
                var below = CategorySet()
                advance(parent, name: name, lowered: UnsafeBufferPointer(lowered), &next, &hits, &below)
                return finish(parent, next, hits, below, isDirectory)
            }
        }
    }

    /// Enters every node the live nodes of `parent` reach with `name`: a
    /// folded node by the lowered name and each base `BuiltinMatching`
    /// strips from it, any other by the name as it is.
    @inline(__always)
    private func advance(
        _ parent: PolicyCursor, name: UnsafeBufferPointer<UInt8>, lowered: UnsafeBufferPointer<UInt8>,
        _ next: inout NodeSetBuilder, _ hits: inout CategoryHits, _ below: inout CategorySet
    ) {
        automaton.nodes.withUnsafeBufferPointer { nodes in
            func enter(_ target: Int32) {
                var target = target
                while target >= 0, next.insert(target) {
                    let node = nodes[Int(target)]
                    for rule in node.terminals { hits.record(rule, categories[Int(rule)]) }
                    below.formUnion(node.categoriesBelow)
                    target = node.globstarChild
                }
            }
            func follow(_ node: AutomatonNode, _ name: UnsafeBufferPointer<UInt8>) {
                enter(node.literalEdges.lookup(name))
                node.prefixEdges.forEachMatch(name) { enter($0) }
                node.suffixEdges.forEachMatch(name) { enter($0) }
                for edge in node.patternEdges where edge.matcher.matches(name) { enter(edge.target) }
            }
            for id in parent.nodes {
                let node = nodes[Int(id)]
                if node.isGlobstar { enter(id) }
                if node.folded {
                    BuiltinMatching.forEachBase(lowered) { follow(node, $0) }
                } else {
                    follow(node, name)
                }
            }
        }
    }

    /// Applies the decision order to what the step reached.
    private func finish(
        _ parent: PolicyCursor, _ next: NodeSetBuilder, _ hits: CategoryHits, _ below: CategorySet,
        _ isDirectory: Bool
    ) -> (Decision, PolicyCursor?) {
        if hits.hidden >= 0 { return (Decision(visibility: .hidden, rule: reported[Int(hits.hidden)]), nil) }
        let deny = parent.hideRule >= 0 ? parent.hideRule : hits.deny
        if deny >= 0 { return (Decision(visibility: .hidden, rule: reported[Int(deny)]), nil) }
        let secret = parent.secretRule >= 0 ? parent.secretRule : hits.secret
        let exceptCovered = parent.exceptCovered || hits.except >= 0
        let allow = parent.allowRule >= 0 ? parent.allowRule : hits.allow
        let write = parent.writeRule >= 0 ? parent.writeRule : hits.write
        let decision: Decision
        if secret >= 0 && !exceptCovered {
            // Traversable only if both an except and an allow can still be
            // reached below; otherwise the listing would be empty anyway.
            let allowReachable = allow >= 0 || below.contains(.allow)
            guard isDirectory, below.contains(.except), allowReachable else {
                return (Decision(visibility: .hidden, rule: reported[Int(secret)]), nil)
            }
            decision = Decision(visibility: .ancestor, rule: reported[Int(secret)])
        } else if allow >= 0 {
            decision = Decision(
                visibility: .visible, rule: reported[Int(allow)], write: write >= 0 ? reported[Int(write)] : nil)
        } else if isDirectory && below.contains(.allow) {
            decision = Decision(visibility: .ancestor, rule: .notAllowed)
        } else {
            return (Decision(visibility: .hidden, rule: .notAllowed), nil)
        }
        guard isDirectory else { return (decision, nil) }
        let relevant = Self.relevantCategories(
            secret: secret, exceptCovered: exceptCovered, allow: allow, write: write, hasSecrets: hasSecrets)
        let nodes = next.makeArray(reusing: parent.nodes, keeping: relevant, automaton)
        let cursor = PolicyCursor(
            nodes: nodes, hideRule: -1, secretRule: secret, allowRule: allow, writeRule: write,
            exceptCovered: exceptCovered)
        return (decision, cursor)
    }
}
