/// One state of the rule automaton: a prefix shared by one or more rules.
struct AutomatonNode: Sendable {
    /// Children reached by a literal segment.
    var literalEdges = LiteralTable([])
    /// Children reached by a `lit*` or `*lit` segment, found by hashing.
    var prefixEdges = AffixIndex(side: .prefix, entries: [])
    var suffixEdges = AffixIndex(side: .suffix, entries: [])
    /// Children reached by any other glob segment, tested one by one.
    var patternEdges: [PatternEdge] = []
    /// The child reached by a `**` segment, or -1. Entering this node also
    /// enters that child, because `**` may match zero segments.
    var globstarChild: Int32 = -1
    /// This node stands for a `**`: it stays live on every step.
    var isGlobstar = false
    /// The node belongs to built-in rules (`BuiltinMatching`): its edges hold
    /// lowered literals and are tried with the lowered name and its bases.
    var folded = false
    /// Rules whose last segment ends here, ascending.
    var terminals: [Int32] = []
    /// The most nodes one step from this node can enter: every edge and
    /// this node itself, each with the `**` child it brings along. Sizes the
    /// step's scratch set from the live nodes, not the largest node anywhere.
    var fanout: Int32 = 4
    /// Categories of the rules ending here or anywhere below. A cursor drops
    /// the node once none of them can change a decision any more.
    var categoriesBelow = CategorySet()
}
