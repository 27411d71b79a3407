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

    /// The names joined by `/`, a path relative to the directory the path
    /// lies in (a name that is not UTF-8 is decoded lossily).
    public var relativePath: String {
        segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
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

    /// The pattern that names exactly `path`, a `/`-separated path relative
    /// to the source root: each character the syntax gives a meaning
    /// (`*`, `?`, `[`, `]`, `\`) is escaped, so its `fixedPath` has the
    /// path's names. Throws for a path no pattern can name (no name at all,
    /// a `.` or `..` name, a NUL byte).
    public init(literalPath path: String) throws(PatternError) {
        var text = ""
        for scalar in path.unicodeScalars {
            if Pattern.metacharacters.contains(scalar) { text.unicodeScalars.append("\\") }
            text.unicodeScalars.append(scalar)
        }
        try self.init(text)
    }

    /// Escaped one scalar at a time, as `PatternCompiler` reads them: a
    /// combining mark after `*` must not hide it inside one `Character`.
    private static let metacharacters: Set<Unicode.Scalar> = ["*", "?", "[", "]", "\\"]
}

extension SecretEntry {
    /// The fixed paths among the entry's patterns, in order. A built-in
    /// entry's are `anyDepth`, since it matches at any depth whatever its text.
    public var fixedPaths: [FixedPath] {
        patterns.compactMap { pattern in
            guard let fixed = pattern.fixedPath else { return nil }
            return builtin ? FixedPath(anyDepth: true, segments: fixed.segments) : fixed
        }
    }
}

extension Policy {
    /// Every secret pattern and deny pattern that names a fixed path, with
    /// the rule a decision reports for it (`secret:ssh`, `deny:TEXT`):
    /// secrets first, in list order, then denies.
    public var fixedStorePaths: [(rule: Rule, path: FixedPath)] {
        var out: [(rule: Rule, path: FixedPath)] = []
        for entry in spec.secrets {
            for path in entry.fixedPaths { out.append((.secret(entry.name), path)) }
        }
        for pattern in spec.deny {
            if let fixed = pattern.fixedPath { out.append((.deny(pattern.text), fixed)) }
        }
        return out
    }
}
