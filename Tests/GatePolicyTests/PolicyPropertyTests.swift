import Testing
import GatePolicy

/// Random policies and paths over a small alphabet, checked against the
/// naive `Reference`. Small alphabets make collisions (and so interesting
/// cases: shared prefixes, `**` overlaps, excepts inside secrets) common.
@Suite struct PolicyPropertyTests {
    static let segmentVocabulary = [
        "a", "b", "ab", ".x", "é", "*", "a*", "*b", "?", "??", "[ab]", "[!a]", "[a-b]*", "*a*",
        "**", "**", "?b", ".*", "a?", "[é]", "A", "*B", ".X*",
    ]
    static let nameVocabulary: [[UInt8]] = [
        "a", "b", "ab", "ba", ".x", "é", "aé", "bb", "a.b",
        // Case and backup variants, which built-in entries also match.
        "A", "AB", ".X", "a~", "ab.BAK", ".a.swp", "#b#", ".x.orig~", "b.old", "a.bak.OLD~",
    ].map { Array($0.utf8) } + [[0xFF], [0x61, 0xFF], [0xC3]]

    static func randomPattern(_ rng: inout SplitMix64) -> String {
        let count = Int.random(in: 1...4, using: &rng)
        var text = (0..<count).map { _ in segmentVocabulary.randomElement(using: &rng)! }.joined(separator: "/")
        // `**` next to other text inside one segment cannot arise here, but
        // leading and trailing slashes should.
        if Int.random(in: 0..<6, using: &rng) == 0 { text = "/" + text }
        if Int.random(in: 0..<6, using: &rng) == 0 { text += "/" }
        return text
    }

    static func randomNames(_ rng: inout SplitMix64, _ range: ClosedRange<Int>) -> [[UInt8]] {
        (0..<Int.random(in: range, using: &rng)).map { _ in nameVocabulary.randomElement(using: &rng)! }
    }

    static func randomSpec(_ rng: inout SplitMix64) -> PolicySpec {
        func patterns(_ max: Int) -> [Pattern] {
            (0..<Int.random(in: 0...max, using: &rng)).map { _ in pattern(randomPattern(&rng)) }
        }
        let allow = patterns(4)
        let deny = patterns(2)
        let secrets = (0..<Int.random(in: 0...3, using: &rng)).map { k in
            SecretEntry(name: "s\(k)", patterns: patterns(2), builtin: Bool.random(using: &rng))
        }
        let except = patterns(2)
        let hidden = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
            let names = randomNames(&rng, 1...3).map { $0.filter { $0 != UInt8(ascii: "/") } }
            return HiddenPath(
                path: Array(names.joined(separator: [UInt8(ascii: "/")])), reason: "h",
                prefixMatch: Bool.random(using: &rng))
        }
        return PolicySpec(allow: allow, deny: deny, secrets: secrets, secretExcept: except, hidden: hidden)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func patternAgreesWithReference(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<400 {
            let text = Self.randomPattern(&rng)
            let compiled = pattern(text)
            let segments = Reference.segments(text)
            for _ in 0..<10 {
                let names = Self.randomNames(&rng, 0...4)
                let path = Array(names.joined(separator: [UInt8(ascii: "/")]))
                let covers = Reference.coverDepth(segments, names) != nil
                #expect(compiled.matches(path) == covers, "\(text) ~ \(names)")
                #expect(
                    compiled.couldMatchBelow(path) == Reference.couldMatchBelow(segments, names),
                    "\(text) below \(names)")
            }
        }
    }

    @Test(arguments: [11, 12, 13, 14, 15, 16, 17, 18] as [UInt64])
    func steppingAgreesWithReference(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<150 {
            let spec = Self.randomSpec(&rng)
            let policy = Policy(spec)
            for _ in 0..<25 {
                let names = Self.randomNames(&rng, 1...5)
                let isDirectory = Bool.random(using: &rng)
                let expected = Reference.decide(spec, names, isDirectory: isDirectory)
                let path = Array(names.joined(separator: [UInt8(ascii: "/")]))
                #expect(policy.decide(path, isDirectory: isDirectory) == expected, "\(policy.canonicalText) \(names)")

                // Walk as the filesystem does, one cursor per directory.
                var cursor = policy.root
                for (k, name) in names.enumerated() {
                    let last = k == names.count - 1
                    let prefix = Array(names[...k])
                    let (decision, child) = policy.step(cursor, name: name, isDirectory: last ? isDirectory : true)
                    let local = Reference.decide(spec, prefix, isDirectory: last ? isDirectory : true)
                    #expect(decision == local, "\(policy.canonicalText) \(prefix)")
                    // Shown directories, and only they, get a cursor.
                    let shown = decision.visibility != .hidden && (last ? isDirectory : true)
                    #expect((child != nil) == shown)
                    guard let child else { break }
                    cursor = child
                }
            }
        }
    }
}
