extension Policy {
    /// Decides the child `name` (one segment, no '/') of the directory whose
    /// cursor is `parent`. Returns the decision and, when the child is a
    /// directory that is shown (visible or ancestor), its cursor.
    ///
    /// Cost is proportional to the parent's live node count (typically 1–3)
    /// times the general glob edges of those nodes, plus one hash per live
    /// node with literal edges and one per distinct length of its `lit*` and
    /// `*lit` edges; it does not grow with the number of literal, prefix or
    /// suffix rules. No
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
        for id in parent.nodes { capacity += Int(automaton.nodes[Int(id)].fanout) }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { scratch in
            var next = NodeSetBuilder(scratch)
            var hits = CategoryHits()
            var below = CategorySet()
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
                for id in parent.nodes {
                    let node = nodes[Int(id)]
                    if node.isGlobstar { enter(id) }
                    enter(node.literalEdges.lookup(name))
                    node.prefixEdges.forEachMatch(name) { enter($0) }
                    node.suffixEdges.forEachMatch(name) { enter($0) }
                    for edge in node.patternEdges where edge.matcher.matches(name) { enter(edge.target) }
                }
            }
            return finish(parent, next, hits, below, isDirectory)
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
            decision = Decision(visibility: .visible, rule: reported[Int(allow)])
        } else if isDirectory && below.contains(.allow) {
            decision = Decision(visibility: .ancestor, rule: .notAllowed)
        } else {
            return (Decision(visibility: .hidden, rule: .notAllowed), nil)
        }
        guard isDirectory else { return (decision, nil) }
        let relevant = Self.relevantCategories(
            secret: secret, exceptCovered: exceptCovered, allow: allow, hasSecrets: hasSecrets)
        let nodes = next.makeArray(reusing: parent.nodes, keeping: relevant, automaton)
        let cursor = PolicyCursor(
            nodes: nodes, hideRule: -1, secretRule: secret, allowRule: allow, exceptCovered: exceptCovered)
        return (decision, cursor)
    }
}
