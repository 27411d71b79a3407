/// A compiled `[...]` bracket expression: Unicode scalar ranges, maybe negated.
struct CharacterClass: Sendable, Hashable {
    var negated: Bool
    var ranges: [ClosedRange<UInt32>]

    /// `value` is a `NameCharacter` value; invalid bytes lie outside every
    /// range, so only a negated class matches them.
    @inline(__always)
    func matches(_ value: UInt32) -> Bool {
        var hit = false
        for r in ranges where r.contains(value) {
            hit = true
            break
        }
        return hit != negated
    }
}
