import Foundation
import GatePolicy
import Testing

/// A fuzzer for the policy matcher, beyond PolicyPropertyTests: the whole
/// pattern syntax (escapes, `]` and `-` at the edges of a class, `^`
/// negation, escaped class members, literal glob characters in names),
/// names that are not UTF-8 (overlong forms, surrogates, truncated
/// sequences, stray continuation bytes), 4-byte scalars, case variants,
/// the normalisations (`/a` ≡ `a` ≡ `a/` ≡ `a/**`, `a//b` ≡ `a/b`) and the
/// errors. Each compiled pattern and policy is compared with `FuzzReference`,
/// a naive recursive matcher written from the documented syntax.
///
/// A fixed seed runs by default. `GATEFS_FUZZ_ITERATIONS=N` runs N cases
/// per property instead, from `GATEFS_FUZZ_SEED` or a fresh seed, which is
/// printed so a failure can be replayed.
@Suite struct PolicyFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let iterations = environment["GATEFS_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 1500
    static let seed: UInt64 = {
        if let text = environment["GATEFS_FUZZ_SEED"], let s = UInt64(text) { return s }
        if environment["GATEFS_FUZZ_ITERATIONS"] != nil {
            let s = UInt64.random(in: 1...UInt64.max)
            print("PolicyFuzzTests seed: GATEFS_FUZZ_SEED=\(s)")
            return s
        }
        return 0x6A7E_F5_F022
    }()

    @Test func compiledPatternsAgreeWithTheReference() {
        var rng = SplitMix64(seed: Self.seed)
        var failures: [String] = []
        var (checks, hits) = (0, 0)
        for _ in 0..<Self.iterations where failures.count < 20 {
            let text = FuzzGenerator.pattern(&rng)
            guard let compiled = try? Pattern(text) else {
                failures.append("valid pattern \(text.debugDescription) did not compile")
                continue
            }
            let segments = FuzzReference.segments(text)
            for _ in 0..<12 {
                let names = FuzzGenerator.names(&rng, 0...4)
                let path = Array(names.joined(separator: [UInt8(ascii: "/")]))
                let covers = FuzzReference.coverDepth(segments, names) != nil
                checks += 1
                if covers { hits += 1 }
                if compiled.matches(path) != covers {
                    failures.append("\(text.debugDescription) matches \(FuzzGenerator.show(names)): \(!covers), reference \(covers)")
                }
                if compiled.couldMatchBelow(path) != FuzzReference.couldMatchBelow(segments, names) {
                    failures.append("\(text.debugDescription) below \(FuzzGenerator.show(names)) disagrees with the reference")
                }
            }
        }
        #expect(failures.isEmpty, "seed \(Self.seed):\n\(failures.joined(separator: "\n"))")
        // A generator whose patterns never match would prove nothing.
        #expect(hits * 20 > checks, "only \(hits) of \(checks) generated paths were covered")
    }

    @Test func normalisedSpellingsMatchTheSame() {
        var rng = SplitMix64(seed: Self.seed &+ 1)
        var failures: [String] = []
        for _ in 0..<Self.iterations / 2 where failures.count < 20 {
            let text = FuzzGenerator.pattern(&rng, leadingTrailing: false)
            let parts = text.split(separator: "/").map(String.init)
            let spellings = ["/" + text, text + "/", parts.joined(separator: "//"), text + "/**", "//" + text + "//**/"]
            guard let base = try? Pattern(text) else { continue }
            for spelling in spellings {
                guard let other = try? Pattern(spelling) else {
                    failures.append("\(spelling.debugDescription) (a spelling of \(text.debugDescription)) did not compile")
                    continue
                }
                for _ in 0..<6 {
                    let path = Array(FuzzGenerator.names(&rng, 0...4).joined(separator: [UInt8(ascii: "/")]))
                    if base.matches(path) != other.matches(path) || base.couldMatchBelow(path) != other.couldMatchBelow(path) {
                        failures.append("\(spelling.debugDescription) and \(text.debugDescription) differ on \(FuzzGenerator.show([path]))")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "seed \(Self.seed):\n\(failures.joined(separator: "\n"))")
    }

    @Test func malformedPatternsNeverCompile() {
        var rng = SplitMix64(seed: Self.seed &+ 2)
        let bad = ["a**b", "**.txt", "x**", "[", "[ab", "[]", "[!]", "[z-a]", ".", "..", "a\\", "\\/", "[a/b]", "***"]
        var failures: [String] = []
        for _ in 0..<Self.iterations / 4 {
            let good = FuzzGenerator.pattern(&rng, leadingTrailing: false)
            let wrong = bad.randomElement(using: &rng)!
            let text = Bool.random(using: &rng) ? good + "/" + wrong : wrong + "/" + good
            if (try? Pattern(text)) != nil { failures.append(text.debugDescription) }
        }
        for text in bad + ["", "/", "//"] where (try? Pattern(text)) != nil {
            failures.append(text.debugDescription)
        }
        #expect(failures.isEmpty, "malformed patterns that compiled (seed \(Self.seed)): \(failures.prefix(20))")
    }

    @Test func policiesAgreeWithTheReferenceStepByStep() {
        var rng = SplitMix64(seed: Self.seed &+ 3)
        var failures: [String] = []
        for _ in 0..<max(1, Self.iterations / 10) where failures.count < 20 {
            let spec = FuzzGenerator.spec(&rng)
            let policy = Policy(spec)
            for _ in 0..<20 {
                let names = FuzzGenerator.names(&rng, 1...5)
                let isDirectory = Bool.random(using: &rng)
                let expected = FuzzReference.decide(spec, names, isDirectory: isDirectory)
                let path = Array(names.joined(separator: [UInt8(ascii: "/")]))
                let got = policy.decide(path, isDirectory: isDirectory)
                if got != expected {
                    failures.append("\(policy.canonicalText) | \(FuzzGenerator.show(names)): \(got), reference \(expected)")
                }
                // The filesystem's way: one cursor per directory, each name stepped.
                var cursor = policy.root
                for (k, name) in names.enumerated() {
                    let last = k == names.count - 1
                    let (decision, child) = policy.step(cursor, name: name, isDirectory: last ? isDirectory : true)
                    let local = FuzzReference.decide(spec, Array(names[...k]), isDirectory: last ? isDirectory : true)
                    if decision != local {
                        failures.append("step \(policy.canonicalText) | \(FuzzGenerator.show(Array(names[...k]))): \(decision), reference \(local)")
                        break
                    }
                    guard let child else { break }
                    cursor = child
                }
            }
        }
        #expect(failures.isEmpty, "seed \(Self.seed):\n\(failures.joined(separator: "\n"))")
    }
}

/// Random patterns, names and policies over small alphabets, so that
/// overlaps (and so the interesting cases) are common.
enum FuzzGenerator {
    /// Literal characters a pattern may hold; the glob ones only escaped.
    static let literals: [String] = ["a", "b", "A", "é", "😀", ".", "-", "!", "^", "]", "~", " "]
    static let escapable: [String] = ["*", "?", "[", "]", "\\", "-", "!", "a"]
    /// Characters for class members and ranges.
    static let classChars: [String] = ["a", "b", "c", "A", "é", "😀", "-", "]", "!", "^", "*", "?", "."]

    static let nameParts: [[UInt8]] = [
        "a", "b", "A", "ab", "é", "😀", ".", "-", "!", "^", "]", "[", "*", "?", "\\", "~", " ", "x.pem", ".env",
        "B", ".bak", ".SWP", "#", ".orig",
    ].map { Array($0.utf8) } + [
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3],
    ]

    static func pick<T>(_ list: [T], _ rng: inout SplitMix64) -> T { list.randomElement(using: &rng)! }

    static func characterClass(_ rng: inout SplitMix64) -> String {
        var text = "["
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: text += "!"
        case 1: text += "^"
        default: break
        }
        if Int.random(in: 0..<5, using: &rng) == 0 { text += "]" }   // literal right after '['
        for k in 0..<Int.random(in: 1...3, using: &rng) {
            var low = pick(classChars, &rng)
            // A first '!' or '^' would negate instead: escape it, as a user must.
            if low == "]" || low == "-" || (k == 0 && text == "[" && (low == "!" || low == "^")) { low = "\\" + low }
            if Int.random(in: 0..<3, using: &rng) == 0 {
                var high = pick(classChars, &rng)
                if high == "]" || high == "-" { high = "\\" + high }
                let (l, h) = (scalar(low), scalar(high))
                text += l <= h ? "\(low)-\(high)" : "\(high)-\(low)"
            } else {
                text += low
            }
        }
        if Int.random(in: 0..<5, using: &rng) == 0 { text += "-" }   // literal before ']'
        return text + "]"
    }

    private static func scalar(_ s: String) -> UInt32 { s.unicodeScalars.last!.value }

    static func segment(_ rng: inout SplitMix64) -> String {
        if Int.random(in: 0..<7, using: &rng) == 0 { return "**" }
        var text = ""
        var lastWasStar = false
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0, 1:
                if lastWasStar { text += "a" }
                text += "*"
                lastWasStar = true
                continue
            case 2: text += "?"
            case 3, 4: text += characterClass(&rng)
            case 5: text += "\\" + pick(escapable, &rng)
            default: text += pick(literals, &rng)
            }
            lastWasStar = false
        }
        return text == "." || text == ".." ? text + "x" : text
    }

    static func pattern(_ rng: inout SplitMix64, leadingTrailing: Bool = true) -> String {
        var text = (0..<Int.random(in: 1...4, using: &rng)).map { _ in segment(&rng) }.joined(separator: "/")
        if leadingTrailing && Int.random(in: 0..<6, using: &rng) == 0 { text = "/" + text }
        if leadingTrailing && Int.random(in: 0..<6, using: &rng) == 0 { text += "/" }
        return text
    }

    static func names(_ rng: inout SplitMix64, _ count: ClosedRange<Int>) -> [[UInt8]] {
        (0..<Int.random(in: count, using: &rng)).map { _ in
            var name: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) { name += pick(nameParts, &rng) }
            return name == [0x2E] ? [0x2E, 0x61] : name
        }
    }

    static func spec(_ rng: inout SplitMix64) -> PolicySpec {
        func patterns(_ max: Int) -> [Pattern] {
            (0..<Int.random(in: 0...max, using: &rng)).compactMap { _ in try? Pattern(pattern(&rng)) }
        }
        let hidden = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
            HiddenPath(path: Array(names(&rng, 1...2).joined(separator: [UInt8(ascii: "/")])), reason: "h",
                       prefixMatch: Bool.random(using: &rng))
        }
        return PolicySpec(
            allow: patterns(4), deny: patterns(2),
            secrets: (0..<Int.random(in: 0...3, using: &rng)).map {
                SecretEntry(name: "s\($0)", patterns: patterns(2), builtin: Bool.random(using: &rng))
            },
            secretExcept: patterns(2), hidden: hidden)
    }

    static func show(_ names: [[UInt8]]) -> String {
        names.map { n in n.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined() }
            .joined(separator: "/")
    }
}

/// The documented syntax, matched by brute-force recursion. Characters of
/// a name are its UTF-8 scalars, and each byte of anything else on its own
/// (`Reference.characters`); a byte that is not UTF-8 is in no class.
enum FuzzReference {
    enum Token: Equatable { case char(UInt32), one, star, set(negated: Bool, ranges: [ClosedRange<UInt32>]) }

    /// Splits on unescaped '/', keeping escapes inside the segment text.
    static func segments(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var escape = false
        for c in text.unicodeScalars {
            if escape {
                current.unicodeScalars.append(c)
                escape = false
            } else if c == "\\" {
                current.unicodeScalars.append(c)
                escape = true
            } else if c == "/" {
                if !current.isEmpty { out.append(current) }
                current = ""
            } else {
                current.unicodeScalars.append(c)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func tokens(_ segment: String) -> [Token] {
        let s = Array(segment.unicodeScalars)
        var out: [Token] = []
        var i = 0
        func member() -> UInt32 {
            if s[i] == "\\" { i += 1 }
            defer { i += 1 }
            return s[i].value
        }
        while i < s.count {
            switch s[i] {
            case "\\":
                i += 1
                out.append(.char(s[i].value))
                i += 1
            case "*":
                out.append(.star)
                i += 1
            case "?":
                out.append(.one)
                i += 1
            case "[":
                i += 1
                var negated = false
                if s[i] == "!" || s[i] == "^" {
                    negated = true
                    i += 1
                }
                var ranges: [ClosedRange<UInt32>] = []
                var first = true
                while first || s[i] != "]" {
                    first = false
                    let low = member()
                    if s[i] == "-" && s[i + 1] != "]" {
                        i += 1
                        ranges.append(low...member())
                    } else {
                        ranges.append(low...low)
                    }
                }
                i += 1
                out.append(.set(negated: negated, ranges: ranges))
            default:
                out.append(.char(s[i].value))
                i += 1
            }
        }
        return out
    }

    static func glob(_ p: ArraySlice<Token>, _ s: ArraySlice<UInt32>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        switch first {
        case .star: return (0...s.count).contains { glob(p.dropFirst(), s.dropFirst($0)) }
        case .one: return !s.isEmpty && glob(p.dropFirst(), s.dropFirst())
        case .char(let c): return s.first == c && glob(p.dropFirst(), s.dropFirst())
        case .set(let negated, let ranges):
            guard let c = s.first else { return false }
            let valid = c <= 0x10_FFFF
            return (valid && ranges.contains { $0.contains(c) }) != negated && glob(p.dropFirst(), s.dropFirst())
        }
    }

    static func segmentMatches(_ segment: String, _ name: [UInt8]) -> Bool {
        glob(tokens(segment)[...], Reference.characters(name)[...])
    }

    static func exact(
        _ p: ArraySlice<String>, _ names: ArraySlice<[UInt8]>, _ match: (String, [UInt8]) -> Bool = segmentMatches
    ) -> Bool {
        guard let first = p.first else { return names.isEmpty }
        if first == "**" { return exact(p.dropFirst(), names, match) || (!names.isEmpty && exact(p, names.dropFirst(), match)) }
        guard let name = names.first else { return false }
        return match(first, name) && exact(p.dropFirst(), names.dropFirst(), match)
    }

    static func coverDepth(_ p: [String], _ names: [[UInt8]], _ match: (String, [UInt8]) -> Bool = segmentMatches) -> Int? {
        (0...names.count).first { exact(p[...], names[..<$0], match) }
    }

    /// A built-in pattern: under `**`, ASCII case folded, decorations stripped
    /// (Reference.lowered and Reference.bases), with this file's tokens.
    static func builtinCoverDepth(_ p: [String], _ names: [[UInt8]]) -> Int? {
        let segments = p.first == "**" ? p : ["**"] + p
        return coverDepth(segments, names) { segment, name in
            let pattern = tokens(segment).map { token -> Token in
                if case .char(let c) = token, (0x41...0x5A).contains(c) { return .char(c + 0x20) }
                return token
            }
            return Reference.bases(Reference.lowered(name)).contains { glob(pattern[...], Reference.characters($0)[...]) }
        }
    }

    static func extends(_ p: ArraySlice<String>, _ names: ArraySlice<[UInt8]>) -> Bool {
        guard let first = p.first else { return false }
        if names.isEmpty { return true }
        if first == "**" { return extends(p.dropFirst(), names) || extends(p, names.dropFirst()) }
        return segmentMatches(first, names.first!) && extends(p.dropFirst(), names.dropFirst())
    }

    static func couldMatchBelow(_ p: [String], _ names: [[UInt8]]) -> Bool {
        coverDepth(p, names) != nil || extends(p[...], names[...])
    }

    /// Reference.local's rules (hidden, deny, secrets and their excepts,
    /// allow, ancestors), with this file's matcher.
    static func local(_ spec: PolicySpec, _ names: [[UInt8]], isDirectory: Bool) -> Decision {
        func depth(_ p: Pattern) -> Int? { coverDepth(segments(p.text), names) }
        func below(_ p: Pattern) -> Bool { couldMatchBelow(segments(p.text), names) }
        if let h = Reference.first(spec.hidden, names, depth: { Reference.hiddenDepth($0, names) }) {
            return Decision(visibility: .hidden, rule: .hidden(h.reason))
        }
        if let d = Reference.first(spec.deny, names, depth: depth) {
            return Decision(visibility: .hidden, rule: .deny(d.text))
        }
        let allow = Reference.first(spec.allow, names, depth: depth)
        let allowBelow = spec.allow.contains(where: below)
        let secretRules = spec.secrets.flatMap { e in e.patterns.map { (e.name, e.builtin, $0) } }
        let secretDepth = { (rule: (String, Bool, Pattern)) -> Int? in
            rule.1 ? builtinCoverDepth(segments(rule.2.text), names) : depth(rule.2)
        }
        if let s = Reference.first(secretRules, names, depth: secretDepth), !spec.secretExcept.contains(where: { depth($0) != nil }) {
            if isDirectory && spec.secretExcept.contains(where: below) && allowBelow {
                return Decision(visibility: .ancestor, rule: .secret(s.0))
            }
            return Decision(visibility: .hidden, rule: .secret(s.0))
        }
        if let allow { return Decision(visibility: .visible, rule: .allow(allow.text)) }
        if isDirectory && allowBelow { return Decision(visibility: .ancestor, rule: .notAllowed) }
        return Decision(visibility: .hidden, rule: .notAllowed)
    }

    static func decide(_ spec: PolicySpec, _ names: [[UInt8]], isDirectory: Bool) -> Decision {
        for depth in 1...names.count {
            let last = depth == names.count
            let d = local(spec, Array(names[..<depth]), isDirectory: last ? isDirectory : true)
            if last || d.visibility == .hidden { return d }
        }
        fatalError("unreachable")
    }
}
