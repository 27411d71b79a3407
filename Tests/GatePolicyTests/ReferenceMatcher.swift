import Foundation
@testable import GatePolicy

/// A deliberately naive matcher and policy, written from the documented
/// semantics without sharing any code with GatePolicy: recursion over whole
/// pattern text, no automaton, no cursors, no pruning. The property tests
/// check the real implementation against it.
///
/// Supports the subset the generator produces: no escapes, classes without
/// `/`, `]` or `-` at their edges.
///
/// Built-in secret entries follow SecretEntry.builtin's documentation: the
/// pattern under `**`, names and the pattern's literal characters with
/// ASCII letters lowered, and each name also tried as every base left by
/// stripping up to three editor or backup decorations.
enum Reference {
    /// Splits a name into characters: a valid UTF-8 scalar, or one byte.
    static func characters(_ name: [UInt8]) -> [UInt32] {
        var result: [UInt32] = []
        var i = 0
        while i < name.count {
            var matched = false
            for length in [4, 3, 2, 1] where i + length <= name.count {
                if let s = String(validating: name[i..<i + length], as: UTF8.self), s.unicodeScalars.count == 1 {
                    result.append(s.unicodeScalars.first!.value)
                    i += length
                    matched = true
                    break
                }
            }
            if !matched {
                result.append(0x20_0000 + UInt32(name[i]))
                i += 1
            }
        }
        return result
    }

    enum Token: Equatable { case char(UInt32), one, star, set(negated: Bool, ranges: [ClosedRange<UInt32>]) }

    static func tokens(_ segment: String) -> [Token] {
        let scalars = Array(segment.unicodeScalars)
        var result: [Token] = []
        var i = 0
        while i < scalars.count {
            switch scalars[i] {
            case "*": result.append(.star)
            case "?": result.append(.one)
            case "[":
                var j = i + 1
                var negated = false
                if scalars[j] == "!" || scalars[j] == "^" {
                    negated = true
                    j += 1
                }
                var ranges: [ClosedRange<UInt32>] = []
                while scalars[j] != "]" {
                    if scalars[j + 1] == "-" && scalars[j + 2] != "]" {
                        ranges.append(scalars[j].value...scalars[j + 2].value)
                        j += 3
                    } else {
                        ranges.append(scalars[j].value...scalars[j].value)
                        j += 1
                    }
                }
                result.append(.set(negated: negated, ranges: ranges))
                i = j
            default: result.append(.char(scalars[i].value))
            }
            i += 1
        }
        return result
    }

    static func glob(_ p: ArraySlice<Token>, _ s: ArraySlice<UInt32>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        switch first {
        case .star:
            return (0...s.count).contains { glob(p.dropFirst(), s.dropFirst($0)) }
        case .one:
            return !s.isEmpty && glob(p.dropFirst(), s.dropFirst())
        case .char(let c):
            return s.first == c && glob(p.dropFirst(), s.dropFirst())
        case .set(let negated, let ranges):
            guard let c = s.first else { return false }
            return ranges.contains { $0.contains(c) } != negated && glob(p.dropFirst(), s.dropFirst())
        }
    }

    static func segmentMatches(_ segment: String, _ name: [UInt8]) -> Bool {
        glob(tokens(segment)[...], characters(name)[...])
    }

    // MARK: built-in entries

    static func lowered(_ name: [UInt8]) -> [UInt8] {
        name.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
    }

    static func lowered(_ tokens: [Token]) -> [Token] {
        tokens.map { token in
            if case .char(let c) = token, (0x41...0x5A).contains(c) { return .char(c + 0x20) }
            return token
        }
    }

    /// `name` and the names left by stripping `depth` or fewer decorations
    /// (see BuiltinMatching.stripOnce; written here from its documentation,
    /// by string operations), duplicates included.
    static func bases(_ name: [UInt8], depth: Int = 4) -> [[UInt8]] {
        guard depth > 0 else { return [name] }
        return [name] + strips(name).filter { !$0.isEmpty }.flatMap { bases($0, depth: depth - 1) }
    }

    static func strips(_ name: [UInt8]) -> [[UInt8]] {
        guard name.count > 1, let last = name.last else { return [] }
        let separators = Array("._- ".utf8)
        func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
        func ends(_ t: String) -> Bool { name.count >= t.utf8.count && name.suffix(t.utf8.count).elementsEqual(t.utf8) }
        var out: [[UInt8]] = []
        if name.count > 8, name.starts(with: Array("copy of ".utf8)) { return [Array(name.dropFirst(8))] }
        switch last {
        case _ where last < 0x20 || last == 0x7F || last == 0xFE || last == 0xFF:
            out.append(Array(name.dropLast()))
        case UInt8(ascii: "v") where name[name.count - 2] == UInt8(ascii: ","):
            if name.count > 2 { out.append(Array(name.dropLast(2))) }
        case UInt8(ascii: "~"):
            out.append(Array(name.dropLast()))
            // B.~DIGITS~
            let inner = name.dropLast()
            let stem = inner.reversed().drop(while: isDigit).reversed()
            if stem.count < inner.count, Array(stem).suffix(2) == Array(".~".utf8), stem.count > 2 {
                out.append(Array(stem.dropLast(2)))
            } else if name.first == UInt8(ascii: "."), ends(".un~"), name.count > 5 {
                out.append(Array(name.dropFirst().dropLast(4)))
            }
        case UInt8(ascii: "#"):
            if name.first == UInt8(ascii: "#"), name.count > 2 { out.append(Array(name.dropFirst().dropLast())) }
        case UInt8(ascii: ")"):
            let open = Array(" (".utf8)
            if let k = (1..<max(1, name.count - 1)).reversed().first(where: { Array(name[$0 - 1...$0]) == open }), k > 1 {
                out.append(Array(name[..<(k - 1)]))
            }
        case _ where separators.contains(last):
            out.append(Array(name.dropLast()))
        case _ where isDigit(last):
            let stem = Array(name.reversed().drop(while: isDigit).reversed())
            if let s = stem.last, separators.contains(s), stem.count > 1 { out.append(Array(stem.dropLast())) }
            else if !stem.isEmpty { out.append(stem) }
        default:
            guard let sep = name.lastIndex(where: { separators.contains($0) }), sep > 0 else { break }
            let word = Array(name[(sep + 1)...])
            let base = Array(name[..<sep])
            if BuiltinMatching.backupWords.contains(word) {
                out.append(base)
                if word.count == 3, word.starts(with: Array("sw".utf8)), base.first == UInt8(ascii: "."), base.count > 1 {
                    out.append(Array(base.dropFirst()))
                }
            }
        }
        return out
    }

    /// One segment of a built-in pattern against a name, `tokens` parsing it.
    static func builtinSegmentMatches(_ tokens: [Token], _ name: [UInt8]) -> Bool {
        let pattern = lowered(tokens)
        return bases(lowered(name)).contains { glob(pattern[...], characters($0)[...]) }
    }

    /// A built-in pattern's segments: at any depth.
    static func anyDepth(_ segments: [String]) -> [String] {
        segments.first == "**" ? segments : ["**"] + segments
    }

    static func segments(_ text: String) -> [String] {
        text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// The pattern matches exactly this sequence of names, each segment
    /// compared by `match`.
    static func exact(
        _ p: ArraySlice<String>, _ names: ArraySlice<[UInt8]>,
        _ match: (String, [UInt8]) -> Bool = segmentMatches
    ) -> Bool {
        guard let first = p.first else { return names.isEmpty }
        if first == "**" {
            return exact(p.dropFirst(), names, match) || (!names.isEmpty && exact(p, names.dropFirst(), match))
        }
        guard let name = names.first else { return false }
        return match(first, name) && exact(p.dropFirst(), names.dropFirst(), match)
    }

    /// The shallowest depth at which the pattern matches a prefix of `names`.
    static func coverDepth(
        _ p: [String], _ names: [[UInt8]], _ match: (String, [UInt8]) -> Bool = segmentMatches
    ) -> Int? {
        (0...names.count).first { exact(p[...], names[..<$0], match) }
    }

    /// Where a built-in pattern (its text's segments) covers `names`.
    static func builtinCoverDepth(_ p: [String], _ names: [[UInt8]]) -> Int? {
        coverDepth(anyDepth(p), names) { builtinSegmentMatches(tokens($0), $1) }
    }

    /// The pattern matches `names` followed by at least one more name (every
    /// generated segment is satisfiable by some name).
    static func extends(_ p: ArraySlice<String>, _ names: ArraySlice<[UInt8]>) -> Bool {
        guard let first = p.first else { return false }
        if names.isEmpty { return true }
        if first == "**" { return extends(p.dropFirst(), names) || extends(p, names.dropFirst()) }
        return segmentMatches(first, names.first!) && extends(p.dropFirst(), names.dropFirst())
    }

    static func couldMatchBelow(_ p: [String], _ names: [[UInt8]]) -> Bool {
        coverDepth(p, names) != nil || extends(p[...], names[...])
    }

    /// A hidden path covers `names`: equal or beneath, or (prefix mode) a
    /// sibling whose last segment starts with the hidden name.
    static func hiddenDepth(_ h: HiddenPath, _ names: [[UInt8]]) -> Int? {
        let parts = h.path.split(separator: UInt8(ascii: "/")).map(Array.init)
        guard parts.count <= names.count else { return nil }
        for k in 0..<parts.count {
            let last = k == parts.count - 1
            if last && h.prefixMatch {
                if !names[k].starts(with: parts[k]) { return nil }
            } else if names[k] != parts[k] {
                return nil
            }
        }
        return parts.count
    }

    /// The first rule (shallowest, then first listed) covering `names`.
    static func first<R>(_ rules: [R], _ names: [[UInt8]], depth: (R) -> Int?) -> R? {
        var best: (Int, R)?
        for rule in rules {
            if let d = depth(rule), best == nil || d < best!.0 { best = (d, rule) }
        }
        return best?.1
    }

    /// The decision for the path `names` alone, as if its parent were shown.
    static func local(_ spec: PolicySpec, _ names: [[UInt8]], isDirectory: Bool) -> Decision {
        if let h = first(spec.hidden, names, depth: { hiddenDepth($0, names) }) {
            return Decision(visibility: .hidden, rule: .hidden(h.reason))
        }
        if let d = first(spec.deny, names, depth: { coverDepth(segments($0.text), names) }) {
            return Decision(visibility: .hidden, rule: .deny(d.text))
        }
        let allows = spec.allow.map { segments($0.text) }
        let allow = first(spec.allow, names, depth: { coverDepth(segments($0.text), names) })
        let allowBelow = allows.contains { couldMatchBelow($0, names) }
        let secretRules = spec.secrets.flatMap { e in e.patterns.map { (e.name, e.builtin, segments($0.text)) } }
        if let s = first(secretRules, names, depth: { $0.1 ? builtinCoverDepth($0.2, names) : coverDepth($0.2, names) }) {
            let excepts = spec.secretExcept.map { segments($0.text) }
            if !excepts.contains(where: { coverDepth($0, names) != nil }) {
                if isDirectory && excepts.contains(where: { couldMatchBelow($0, names) }) && allowBelow {
                    return Decision(visibility: .ancestor, rule: .secret(s.0))
                }
                return Decision(visibility: .hidden, rule: .secret(s.0))
            }
        }
        if let allow { return Decision(visibility: .visible, rule: .allow(allow.text)) }
        if isDirectory && allowBelow { return Decision(visibility: .ancestor, rule: .notAllowed) }
        return Decision(visibility: .hidden, rule: .notAllowed)
    }

    /// The decision for a whole path: the first hidden ancestor decides.
    static func decide(_ spec: PolicySpec, _ names: [[UInt8]], isDirectory: Bool) -> Decision {
        for depth in 1...names.count {
            let last = depth == names.count
            let d = local(spec, Array(names[..<depth]), isDirectory: last ? isDirectory : true)
            if last || d.visibility == .hidden { return d }
        }
        fatalError("unreachable")
    }
}
