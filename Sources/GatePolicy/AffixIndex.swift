/// The `lit*` (prefix) or `*lit` (suffix) pattern edges of one automaton
/// node, grouped by the literal's length into hash tables.
///
/// `**/*.pem`, `**/*.key`, `**/.env.*` and a user's `**/*.ext` rules all
/// hang off the same `**` node, which is live in every directory. Testing
/// them one by one made each step cost grow with the number of such rules;
/// here a step costs one hash lookup per distinct literal length.
struct AffixIndex: Sendable {
    enum Side: Sendable { case prefix, suffix }

    let side: Side
    /// Ascending by length; one table of literals per length.
    private var byLength: [(length: Int, table: LiteralTable)] = []

    init(side: Side, entries: [([UInt8], Int32)]) {
        self.side = side
        var groups: [Int: [([UInt8], Int32)]] = [:]
        for entry in entries { groups[entry.0.count, default: []].append(entry) }
        byLength = groups.keys.sorted().map { ($0, LiteralTable(groups[$0]!)) }
    }

    var isEmpty: Bool { byLength.isEmpty }

    /// Calls `body` with the target of every edge whose literal `name`
    /// starts (prefix) or ends (suffix) with.
    @inline(__always)
    func forEachMatch(_ name: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        for (length, table) in byLength {
            if length > name.count { return }
            let part = side == .prefix
                ? UnsafeBufferPointer(rebasing: name[0..<length])
                : UnsafeBufferPointer(rebasing: name[(name.count - length)...])
            let target = table.lookup(part)
            if target >= 0 { body(target) }
        }
    }
}
