/// Every rule compiled into one trie-shaped NFA over path segments.
///
/// Rules that share leading segments share nodes, so a cursor's live set
/// holds a few nodes however many rules there are: `**/x` rules all hang off
/// one `**` node, and all rules under `projects/` off one `projects` node.
/// Built once in `Policy.init`; read-only afterwards.
///
/// Built-in (folded) rules grow from a root of their own, so that every node
/// below it is folded and a folded node never serves a case-sensitive rule.
struct RuleAutomaton: Sendable {
    struct Rule {
        var segments: [SegmentMatcher]
        var category: RuleCategory
        /// Matched as `BuiltinMatching` says; `segments` are lowered already.
        var folded: Bool
    }

    let nodes: [AutomatonNode]
    /// The root of the folded rules, or -1 when there are none.
    let foldedRoot: Int32

    static let root: Int32 = 0

    init(rules: [Rule]) {
        var builder = Builder()
        for (id, rule) in rules.enumerated() {
            var node = rule.folded ? builder.foldedRoot() : 0
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
            final.fanout = Int32(Self.fanout(node, literals: builder.literals[index].count))
            nodes.append(final)
        }
        self.nodes = nodes
        self.foldedRoot = builder.folded
    }

    /// The most nodes one step can enter from `node`: itself, and each child
    /// at most once, each with the `**` child it brings along. A plain name
    /// takes one literal edge at most, a folded node's name one per base.
    private static func fanout(_ node: AutomatonNode, literals: Int) -> Int {
        let literalHits = node.folded ? min(literals, BuiltinMatching.maxBases) : 1
        return 2 * (node.patternEdges.count + literalHits + 1)
    }

    /// The node set for the source root: each root and its `**` closure.
    var rootSet: [Int32] {
        var set: [Int32] = []
        for root in [Self.root, foldedRoot] where root >= 0 {
            set.append(root)
            let star = nodes[Int(root)].globstarChild
            if star >= 0 { set.append(star) }
        }
        return set
    }

    private struct Builder {
        var nodes: [AutomatonNode] = [AutomatonNode()]
        /// Literal edges while building; frozen into `LiteralTable`s at the end.
        var literals: [[[UInt8]: Int32]] = [[:]]
        /// The folded rules' root, made when the first one is added.
        var folded: Int32 = -1

        mutating func foldedRoot() -> Int {
            if folded < 0 {
                folded = Int32(add())
                nodes[Int(folded)].folded = true
            }
            return Int(folded)
        }

        mutating func child(of parent: Int, _ segment: SegmentMatcher) -> Int {
            switch segment {
            case .literal(let name):
                if let existing = literals[parent][name] { return Int(existing) }
                let child = add(below: parent)
                literals[parent][name] = Int32(child)
                return child
            case .globstar:
                if nodes[parent].globstarChild >= 0 { return Int(nodes[parent].globstarChild) }
                let child = add(below: parent)
                nodes[child].isGlobstar = true
                nodes[parent].globstarChild = Int32(child)
                return child
            default:
                if let edge = nodes[parent].patternEdges.first(where: { $0.matcher == segment }) {
                    return Int(edge.target)
                }
                let child = add(below: parent)
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

        /// A new node; a child of a folded node is folded too.
        private mutating func add(below parent: Int? = nil) -> Int {
            var node = AutomatonNode()
            node.folded = parent.map { nodes[$0].folded } ?? false
            nodes.append(node)
            literals.append([:])
            return nodes.count - 1
        }
    }
}
