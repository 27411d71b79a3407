/// A path pattern, compiled once, matched against byte-string paths.
///
/// Patterns are anchored at the source root and compared segment by segment
/// against paths relative to it. The syntax:
///
/// - **Anchoring.** A leading `/` is ignored (`/a` ≡ `a`), a trailing `/` is
///   ignored (`a/` ≡ `a`), and repeated `/` collapse (`a//b` ≡ `a/b`).
/// - **`*`** matches any run of characters within one segment, *including a
///   leading dot*: `*` matches `.bashrc`, and `**/*.pem` matches `.x.pem`.
///   Hidden files get no special treatment, so a deny or secret written with
///   `*` cannot be dodged by a dotfile.
/// - **`?`** matches exactly one character: one UTF-8 encoded scalar, or one
///   byte where the name is not valid UTF-8.
/// - **`[...]`** matches one character from a class: `[abc]`, ranges `[a-z]`,
///   negation `[!a-z]` or `[^a-z]`. A `]` right after the `[` (or `[!`) is
///   literal: `[]a]`. Characters compare as Unicode scalars; a byte that is
///   not valid UTF-8 is in no class, so only a negated class matches it.
/// - **`\`** escapes the next character: `\[` is a literal `[`, `\*` a
///   literal `*`, `\\` a literal `\`. `[[]` is another way to write `[`.
/// - **`**`** as a whole segment matches zero or more whole segments:
///   `**/NAME` matches `NAME` at any depth, the top included, and
///   `a/**/b` matches `a/b`, `a/x/b`, `a/x/y/b`. `**` anywhere else
///   (`a**b`, `**.txt`) is an error.
/// - **Coverage.** A pattern that matches a path also covers everything
///   beneath it: `projects/demo` covers `projects/demo/src/x.c`. Hence
///   `a/**` ≡ `a`, and `**` alone covers the whole source.
/// - Matching is case-sensitive and byte-exact otherwise. (The patterns of a
///   built-in secret entry are matched more broadly when a `Policy` compiles
///   them: at any depth, ASCII case folded, with backup variants; see
///   `BuiltinMatching`. `matches` here is always the plain match.)
///
/// These do not compile: an empty pattern (or only slashes), an unclosed
/// `[`, an empty class `[]`, a backwards range `[z-a]`, a `.` or `..`
/// segment, a trailing lone `\`, an escaped `/`, a NUL byte, and `**` that
/// is not a whole segment. The error carries the byte column.
public struct Pattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as the user wrote it.
    public let text: String
    /// Normalised segments; see `PatternCompiler.compile`.
    let segments: [SegmentMatcher]

    public init(_ text: String) throws(PatternError) {
        self.text = text
        self.segments = try PatternCompiler.compile(text)
    }

    public var description: String { text }

    // Identity is the text: equal text compiles to equal segments.
    public static func == (a: Pattern, b: Pattern) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Whether the pattern covers `path`: matches it or one of its ancestors.
    /// `path` is relative to the source root; "" and "." are the root.
    public func matches(_ path: [UInt8]) -> Bool {
        run(path).covered
    }

    /// Whether some strict descendant of `path` could be covered. True when
    /// `path` itself is covered.
    public func couldMatchBelow(_ path: [UInt8]) -> Bool {
        let r = run(path)
        return r.covered || r.live
    }

    /// Runs the segment NFA over `path`. States are indices into `segments`;
    /// reaching `segments.count` means covered, which is final. Any live
    /// state can still reach the end, since every segment matcher accepts
    /// some name.
    private func run(_ path: [UInt8]) -> (covered: Bool, live: Bool) {
        let k = segments.count
        var states = closure([0])
        if states.contains(k) { return (true, false) }
        return path.withUnsafeBufferPointer { buffer in
            for name in PathSegments(buffer) {
                var next: [Int] = []
                for s in states where s < k {
                    if segments[s] == .globstar {
                        next.append(s)
                    } else if segments[s].matches(name) {
                        next.append(s + 1)
                    }
                }
                states = closure(next)
                if states.contains(k) { return (true, false) }
                if states.isEmpty { return (false, false) }
            }
            return (false, true)
        }
    }

    /// `**` may match zero segments, so being before one also means being after it.
    private func closure(_ states: [Int]) -> [Int] {
        var result: [Int] = []
        for s in states {
            var t = s
            if !result.contains(t) { result.append(t) }
            while t < segments.count, segments[t] == .globstar {
                t += 1
                if !result.contains(t) { result.append(t) }
            }
        }
        return result
    }
}
