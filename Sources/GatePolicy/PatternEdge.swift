/// An automaton edge taken when a name matches a glob segment.
struct PatternEdge: Sendable {
    let matcher: SegmentMatcher
    let target: Int32
}
