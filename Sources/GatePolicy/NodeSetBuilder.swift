/// The live node set of a step under construction, in caller-provided
/// scratch memory so that deciding a file allocates nothing.
struct NodeSetBuilder {
    private let storage: UnsafeMutableBufferPointer<Int32>
    private(set) var count = 0

    init(_ storage: UnsafeMutableBufferPointer<Int32>) {
        self.storage = storage
    }

    /// Adds `node` unless present; returns whether it was added. Sets are a
    /// handful of nodes, so a linear scan is the fast choice.
    @inline(__always)
    mutating func insert(_ node: Int32) -> Bool {
        for k in 0..<count where storage[k] == node { return false }
        assert(count < storage.count, "a step entered more nodes than the fan-out bound")
        storage[count] = node
        count += 1
        return true
    }

    /// The set as a cursor's array, without nodes that only serve categories
    /// outside `relevant`. Returns `previous` itself, sharing its storage,
    /// when the contents are equal, which is the common case deep in a tree.
    func makeArray(reusing previous: [Int32], keeping relevant: CategorySet, _ automaton: RuleAutomaton) -> [Int32] {
        var kept = 0
        for k in 0..<count where !automaton.nodes[Int(storage[k])].categoriesBelow.isDisjoint(with: relevant) {
            storage[kept] = storage[k]
            kept += 1
        }
        if kept == previous.count {
            var same = true
            for k in 0..<kept where storage[k] != previous[k] {
                same = false
                break
            }
            if same { return previous }
        }
        return Array(storage[0..<kept])
    }
}
