/// Every rule compiled into one trie-shaped NFA over path segments.
///
/// Rules that share leading segments share nodes, so a cursor's live set
/// holds a few nodes however many rules there are: `**/x` rules all hang off
/// one `**` node, and all rules under `projects/` off one `projects` node.
/// Built once in `Policy.init`; read-only afterwards.
struct RuleAutomaton: Sendable {
    let nodes: [AutomatonNode]

    static let root: Int32 = 0

    init(rules: [(segments: [SegmentMatcher], category: RuleCategory)]) {
        var builder = Builder()
        for (id, rule) in rules.enumerated() {
            var node = 0
            for segment in rule.segments { node = builder.child(of: node, segment) }
            builder.nodes[node].terminals.append(Int32(id))
            builder.nodes[node].categoriesBelow.insert(rule.category.bit)
        }
        // Children always have higher indices than their parents.
        for index in builder.nodes.indices.reversed() {
            for child in builder.children(of: index) {
                builder.nodes[index].categoriesBelow.formUnion(builder.nodes[child].categoriesBelow)
            }
        }
        var nodes: [AutomatonNode] = []
        for (index, node) in builder.nodes.enumerated() {
            var final = node
            final.literalEdges = LiteralTable(builder.literals[index].map { ($0.key, $0.value) })
            var prefixes: [([UInt8], Int32)] = []
            var suffixes: [([UInt8], Int32)] = []
            final.patternEdges = []
            for edge in node.patternEdges {
                switch edge.matcher {
                case .prefix(let l) where !l.isEmpty: prefixes.append((l, edge.target))
                case .suffix(let l) where !l.isEmpty: suffixes.append((l, edge.target))
                default: final.patternEdges.append(edge)
                }
            }
            final.prefixEdges = AffixIndex(side: .prefix, entries: prefixes)
            final.suffixEdges = AffixIndex(side: .suffix, entries: suffixes)
            final.fanout = Int32(2 * (node.patternEdges.count + 2))
            nodes.append(final)
        }
        self.nodes = nodes
    }

    /// The node set for the source root: the root node and its `**` closure.
    var rootSet: [Int32] {
        var set: [Int32] = [Self.root]
        let star = nodes[Int(Self.root)].globstarChild
        if star >= 0 { set.append(star) }
        return set
    }

    private struct Builder {
        var nodes: [AutomatonNode] = [AutomatonNode()]
        /// Literal edges while building; frozen into `LiteralTable`s at the end.
        var literals: [[[UInt8]: Int32]] = [[:]]

        mutating func child(of parent: Int, _ segment: SegmentMatcher) -> Int {
            switch segment {
            case .literal(let name):
                if let existing = literals[parent][name] { return Int(existing) }
                let child = add()
                literals[parent][name] = Int32(child)
                return child
            case .globstar:
                if nodes[parent].globstarChild >= 0 { return Int(nodes[parent].globstarChild) }
                let child = add()
                nodes[child].isGlobstar = true
                nodes[parent].globstarChild = Int32(child)
                return child
            default:
                if let edge = nodes[parent].patternEdges.first(where: { $0.matcher == segment }) {
                    return Int(edge.target)
                }
                let child = add()
                nodes[parent].patternEdges.append(PatternEdge(matcher: segment, target: Int32(child)))
                return child
            }
        }

        func children(of index: Int) -> [Int] {
            var result = literals[index].values.map { Int($0) }
            result += nodes[index].patternEdges.map { Int($0.target) }
            if nodes[index].globstarChild >= 0 { result.append(Int(nodes[index].globstarChild)) }
            return result
        }

        private mutating func add() -> Int {
            nodes.append(AutomatonNode())
            literals.append([:])
            return nodes.count - 1
        }
    }
}
