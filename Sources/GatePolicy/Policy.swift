/// The compiled rules: decides, for each path, whether gatefs shows it.
///
/// Decision order for a path (the first that applies wins):
/// 1. an internal hidden path covers it → hidden (`mountpoint`, `audit-log`);
/// 2. a deny pattern covers it → hidden;
/// 3. a secret pattern covers it (a built-in entry's as `BuiltinMatching`
///    says: at any depth, case folded, with variants) and no except pattern
///    does → hidden, except that a directory below which an except pattern
///    and an allow pattern could still match is an `.ancestor` (so `.ssh`
///    can be walked to reach an excepted `.ssh/known_hosts`);
/// 4. an allow pattern covers it → visible, and writable if a write grant
///    (an allow with `write`) covers it too;
/// 5. a directory below which an allow pattern could match → ancestor;
/// 6. otherwise hidden, not allowed.
///
/// A path below a hidden directory is hidden for the same reason as that
/// directory, since it cannot be reached. When several rules of one kind
/// cover a path, the one covering the shallowest ancestor is reported, and
/// among those the first listed.
public struct Policy: Sendable {
    public let spec: PolicySpec
    let automaton: RuleAutomaton
    /// Per rule id: its category and what a decision reports.
    let categories: [RuleCategory]
    let reported: [Rule]
    let hasSecrets: Bool
    public let root: PolicyCursor
    /// The decision for the source root itself.
    public let rootDecision: Decision

    public init(_ spec: PolicySpec) {
        self.spec = spec
        let (rules, reported) = Self.rules(of: spec)
        let automaton = RuleAutomaton(rules: rules)
        let categories = rules.map(\.category)
        let hasSecrets = spec.secrets.contains { !$0.patterns.isEmpty }
        self.automaton = automaton
        self.categories = categories
        self.reported = reported
        self.hasSecrets = hasSecrets

        // The root is a step from nowhere: the same bookkeeping, no name.
        var hits = CategoryHits()
        for node in automaton.rootSet {
            for rule in automaton.nodes[Int(node)].terminals { hits.record(rule, categories[Int(rule)]) }
        }
        let hideRule = hits.hidden >= 0 ? hits.hidden : hits.deny
        let secretLive = hits.secret >= 0 && hits.except < 0
        let fullyVisible = hideRule < 0 && !secretLive && hits.allow >= 0
        self.rootDecision = Decision(
            visibility: fullyVisible ? .visible : .ancestor, rule: .root,
            write: fullyVisible && hits.write >= 0 ? reported[Int(hits.write)] : nil)
        let exceptCovered = hits.except >= 0
        let relevant = Self.relevantCategories(
            secret: hits.secret, exceptCovered: exceptCovered, allow: hits.allow, write: hits.write,
            hasSecrets: hasSecrets)
        self.root = PolicyCursor(
            nodes: automaton.rootSet.filter { !automaton.nodes[Int($0)].categoriesBelow.isDisjoint(with: relevant) },
            hideRule: hideRule, secretRule: hits.secret, allowRule: hits.allow, writeRule: hits.write,
            exceptCovered: exceptCovered)
    }

    /// Whether any rule grants write: the mount is read-write only then.
    public var grantsWrite: Bool { !spec.write.isEmpty }

    /// allow + deny + secret patterns + except patterns; internal hidden
    /// paths are not counted, nor write grants (each is an allow too).
    public var ruleCount: Int {
        spec.allow.count + spec.deny.count + spec.secrets.reduce(0) { $0 + $1.patterns.count }
            + spec.secretExcept.count
    }

    /// Every rule of `spec`, in decision order, with what each reports.
    static func rules(of spec: PolicySpec) -> (rules: [RuleAutomaton.Rule], reported: [Rule]) {
        var rules: [RuleAutomaton.Rule] = []
        var reported: [Rule] = []
        for hidden in spec.hidden {
            rules.append(.init(segments: Self.segments(of: hidden), category: .hidden, folded: false))
            reported.append(.hidden(hidden.reason))
        }
        for pattern in spec.deny {
            rules.append(.init(segments: pattern.segments, category: .deny, folded: false))
            reported.append(.deny(pattern.text))
        }
        for entry in spec.secrets {
            for pattern in entry.patterns {
                let segments = entry.builtin ? Self.builtinSegments(pattern.segments) : pattern.segments
                rules.append(.init(segments: segments, category: .secret, folded: entry.builtin))
                reported.append(.secret(entry.name))
            }
        }
        for pattern in spec.secretExcept {
            rules.append(.init(segments: pattern.segments, category: .except, folded: false))
            reported.append(.notAllowed)  // never reported: an except only lifts a secret
        }
        for pattern in spec.allow {
            rules.append(.init(segments: pattern.segments, category: .allow, folded: false))
            reported.append(.allow(pattern.text))
        }
        for pattern in spec.write {
            rules.append(.init(segments: pattern.segments, category: .write, folded: false))
            reported.append(.write(pattern.text))
        }
        return (rules, reported)
    }

    /// A built-in pattern as `BuiltinMatching` compiles it: under `**`, with
    /// lowered literals. Normalised as `PatternCompiler` does (no trailing `**`).
    static func builtinSegments(_ segments: [SegmentMatcher]) -> [SegmentMatcher] {
        var out = segments.map { $0.asciiLowercased() }
        if out.first != .globstar { out.insert(.globstar, at: 0) }
        while out.last == .globstar { out.removeLast() }
        return out
    }

    /// A hidden path is literal: every segment compared as bytes, the last
    /// one as a prefix when rotated siblings must go too.
    static func segments(of hidden: HiddenPath) -> [SegmentMatcher] {
        var names: [[UInt8]] = []
        hidden.path.withUnsafeBufferPointer { buffer in
            for name in PathSegments(buffer) { names.append(Array(name)) }
        }
        var segments = names.map { SegmentMatcher.literal($0) }
        if hidden.prefixMatch, let last = names.last {
            segments[segments.count - 1] = .prefix(last)
        }
        return segments
    }

    /// Categories whose rules can still change a decision below a directory
    /// in this state. Hidden paths and denies always can.
    static func relevantCategories(
        secret: Int32, exceptCovered: Bool, allow: Int32, write: Int32, hasSecrets: Bool
    ) -> CategorySet {
        var set: CategorySet = [.hidden, .deny]
        if !exceptCovered && hasSecrets {
            set.insert(.except)
            if secret < 0 { set.insert(.secret) }
        }
        if allow < 0 { set.insert(.allow) }
        if write < 0 { set.insert(.write) }
        return set
    }
}
