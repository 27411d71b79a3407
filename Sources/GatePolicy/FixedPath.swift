/// A pattern that names one path, not a family: what can be looked up by
/// name (to scan a secret store for the identities of its files, or to
/// resolve a symlinked store) instead of matched against every name.
public struct FixedPath: Sendable, Hashable {
    /// The path may lie in any directory (`**/.docker/config.json`, or any
    /// built-in entry), not only in the source root.
    public let anyDepth: Bool
    /// The names, escapes resolved: the bytes as written in the pattern,
    /// which is how the store is spelt on disk. A built-in entry also
    /// matches other case spellings and backup variants of them, which a
    /// lookup by these names does not find.
    public let segments: [[UInt8]]

    public init(anyDepth: Bool, segments: [[UInt8]]) {
        self.anyDepth = anyDepth
        self.segments = segments
    }
}

extension Pattern {
    /// Non-nil when the pattern is a literal path (`a/b`, `\[x\]`) or `**/`
    /// followed by one; nil when any segment has a wildcard or class, or
    /// `**` stands anywhere but first, or the pattern is `**` alone.
    public var fixedPath: FixedPath? {
        var rest = segments[...]
        let anyDepth = rest.first == .globstar
        if anyDepth { rest = rest.dropFirst() }
        var names: [[UInt8]] = []
        for segment in rest {
            guard case .literal(let name) = segment else { return nil }
            names.append(name)
        }
        return names.isEmpty ? nil : FixedPath(anyDepth: anyDepth, segments: names)
    }
}

extension Policy {
    /// Every secret pattern and deny pattern that names a fixed path, with
    /// the rule a decision reports for it (`secret:ssh`, `deny:TEXT`):
    /// secrets first, in list order, then denies. A built-in entry's paths
    /// are `anyDepth`, since it matches at any depth whatever its text.
    public var fixedStorePaths: [(rule: Rule, path: FixedPath)] {
        var out: [(rule: Rule, path: FixedPath)] = []
        for entry in spec.secrets {
            for pattern in entry.patterns {
                guard let fixed = pattern.fixedPath else { continue }
                let path = entry.builtin ? FixedPath(anyDepth: true, segments: fixed.segments) : fixed
                out.append((.secret(entry.name), path))
            }
        }
        for pattern in spec.deny {
            if let fixed = pattern.fixedPath { out.append((.deny(pattern.text), fixed)) }
        }
        return out
    }
}
