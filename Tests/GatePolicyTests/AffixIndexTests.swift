import Testing
@testable import GatePolicy

/// Many `lit*` and `*lit` rules under one node are found by hashing per
/// literal length; the decisions must be the ones a rule-by-rule test gives,
/// including the lowest-numbered rule when several match one name.
@Suite struct AffixIndexTests {
    /// 300 suffix and 300 prefix denies of lengths 2 to 7 under `**`, and
    /// overlapping ones (`*.tar.gz` and `*.gz`), against names that end or
    /// start with each, with a neighbour, or with nothing at all.
    @Test func manyPrefixAndSuffixRulesDecideLikeTheReference() {
        var deny: [String] = []
        for i in 0..<300 { deny.append("**/*." + String(repeating: "x", count: i % 5) + "e\(i)") }
        for i in 0..<300 { deny.append("**/p\(i)" + String(repeating: "y", count: i % 4) + "-*") }
        deny += ["**/*.gz", "**/*.tar.gz", "**/ab*", "**/abc*"]
        let policy = Policy(spec(allow: ["**"], deny: deny))
        let compiled = deny.map(pattern)

        var names: [String] = ["plain", "x", "", "gz", ".gz", "a.tar.gz", "tar.gz", "ab", "abc", "abcd", "a"]
        for i in stride(from: 0, to: 300, by: 7) {
            let ext = String(repeating: "x", count: i % 5) + "e\(i)"
            names += ["f." + ext, "." + ext, "f." + ext + "z", "f" + ext, ext]
            let pre = "p\(i)" + String(repeating: "y", count: i % 4)
            names += [pre + "-", pre + "-rest", pre + "rest", "z" + pre + "-x"]
        }
        for name in names where !name.isEmpty {
            let path = "dir/" + name
            let expectedRule = compiled.firstIndex { $0.matches(Array(path.utf8)) }
            let decision = policy.decide(path, isDirectory: false)
            if let expectedRule {
                #expect(decision.visibility == .hidden, "\(path) should be denied by \(deny[expectedRule])")
                #expect(decision.rule.description.hasSuffix(deny[expectedRule]), "\(path): \(decision.rule) vs \(deny[expectedRule])")
            } else {
                #expect(decision.visibility == .visible, "\(path): \(decision.rule)")
            }
        }
    }
}
