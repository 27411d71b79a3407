import Testing
@testable import GatePolicy

/// Write grants (issue 12): an allow with `write` makes what it covers
/// writable, and nothing else; every rule that hides still wins.
@Suite struct WriteGrantTests {
    /// `**/*.pem` from the built-in list, matched as built-ins are.
    static let builtinPEM = SecretEntry(name: "pem", patterns: [pattern("*.pem")], builtin: true)

    private func writeRule(_ policy: Policy, _ path: String, directory: Bool = false) -> String? {
        policy.decide(path, isDirectory: directory).write?.description
    }

    /// The cursor of the shown directory `path`, stepping from the root.
    private func cursor(_ policy: Policy, _ path: String) -> PolicyCursor? {
        var cursor: PolicyCursor? = policy.root
        for name in path.split(separator: "/") {
            guard let parent = cursor else { return nil }
            cursor = policy.step(parent, name: Array(name.utf8), isDirectory: true).1
        }
        return cursor
    }

    @Test func aGrantCoversEverythingBeneathIt() {
        let policy = Policy(spec(write: ["projects/demo"]))
        for (path, directory) in [("projects/demo", true), ("projects/demo/a.c", false), ("projects/demo/src/x/y/z.c", false),
                                  ("projects/demo/.git/objects", true)] {
            let decision = policy.decide(path, isDirectory: directory)
            #expect(decision.visibility == .visible, "\(path)")
            #expect(decision.isWritable && decision.write == .write("projects/demo"), "\(path)")
            #expect(decision.rule == .allow("projects/demo"), "\(path)")
        }
        #expect(policy.decide("projects/demox", isDirectory: false).visibility == .hidden)
        #expect(writeRule(policy, "projects/demox") == nil)
    }

    @Test func denyAndSecretsBeatAGrantAtAnyDepth() {
        let policy = Policy(PolicySpec(
            allow: [pattern("projects/demo")], write: [pattern("projects/demo")],
            deny: [pattern("**/*.key"), pattern("projects/demo/build")],
            secrets: [SecretEntry(name: "env", patterns: [pattern("**/.env")]), Self.builtinPEM]))
        let hidden: [(String, Bool, String)] = [
            ("projects/demo/a.key", false, "deny:**/*.key"),
            ("projects/demo/x/y/z.key", false, "deny:**/*.key"),
            ("projects/demo/build", true, "deny:projects/demo/build"),
            ("projects/demo/build/out.o", false, "deny:projects/demo/build"),
            ("projects/demo/.env", false, "secret:env"),
            ("projects/demo/deep/er/.env", false, "secret:env"),
            ("projects/demo/cert.pem", false, "secret:pem"),
            ("projects/demo/deep/er/CERT.PEM", false, "secret:pem"),
        ]
        for (path, directory, rule) in hidden {
            let decision = policy.decide(path, isDirectory: directory)
            #expect(decision.visibility == .hidden && decision.rule.description == rule, "\(path): \(decision)")
            #expect(decision.write == nil, "\(path)")
        }
        #expect(writeRule(policy, "projects/demo/deep/er/readme") == "write:projects/demo")
    }

    @Test func ancestorsOfAGrantAreNotWritable() {
        let policy = Policy(spec(write: ["projects/demo"]))
        #expect(policy.decide("projects", isDirectory: true).visibility == .ancestor)
        #expect(writeRule(policy, "projects", directory: true) == nil)
        #expect(policy.decide("", isDirectory: true).write == nil)
        #expect(policy.rootDecision.write == nil)
    }

    @Test func aRootGrantMakesTheWholeViewWritable() {
        let policy = Policy(PolicySpec(allow: [pattern("**")], write: [pattern("**")], secrets: [Self.builtinPEM]))
        #expect(policy.rootDecision == Decision(visibility: .visible, rule: .root, write: .write("**")))
        #expect(writeRule(policy, "a/b/c.txt") == "write:**")
        #expect(policy.decide("a/b/c.pem", isDirectory: false).write == nil)
        // A deny at the root makes the root an ancestor, never writable.
        let denied = Policy(spec(write: ["**"], deny: ["**"]))
        #expect(denied.rootDecision == Decision(visibility: .ancestor, rule: .root))
    }

    @Test func anAllowWithoutWriteStaysReadOnly() {
        let policy = Policy(spec(allow: ["notes", "projects"], write: ["projects/demo"]))
        #expect(policy.decide("notes/a.md", isDirectory: false).visibility == .visible)
        #expect(writeRule(policy, "notes/a.md") == nil)
        #expect(writeRule(policy, "projects", directory: true) == nil)
        #expect(writeRule(policy, "projects/other/a.c") == nil)
        #expect(writeRule(policy, "projects/demo/a.c") == "write:projects/demo")
        #expect(Policy(spec(allow: ["**"])).decide("a", isDirectory: false).write == nil)
    }

    @Test func aGlobGrantCoversOnlyWhatItMatches() {
        let policy = Policy(spec(allow: ["projects"], write: ["projects/*/src"]))
        #expect(writeRule(policy, "projects/demo/src/a.c") == "write:projects/*/src")
        #expect(writeRule(policy, "projects/demo/README") == nil)
        #expect(policy.decide("projects/demo/README", isDirectory: false).visibility == .visible)
    }

    @Test func directoriesUnderOneGrantHideAlike() throws {
        let plain = Policy(PolicySpec(
            allow: [pattern("projects/demo")], write: [pattern("projects/demo")], secrets: [Self.builtinPEM]))
        let a = try #require(cursor(plain, "projects/demo/a"))
        let b = try #require(cursor(plain, "projects/demo/b/c"))
        #expect(plain.hidesAlike(a, b) && plain.hidesAlike(b, a))

        let anchored = Policy(PolicySpec(
            allow: [pattern("projects/demo")], write: [pattern("projects/demo")],
            deny: [pattern("projects/demo/build/*.key")], secrets: [Self.builtinPEM]))
        let build = try #require(cursor(anchored, "projects/demo/build"))
        let out = try #require(cursor(anchored, "projects/demo/out"))
        let src = try #require(cursor(anchored, "projects/demo/src"))
        // `mv build out` would show build's keys as out/*.key.
        #expect(!anchored.hidesAlike(build, out) && !anchored.hidesAlike(out, build))
        // Neither place has the deny live beneath it.
        #expect(anchored.hidesAlike(src, out))
    }

    @Test func grantsAreInTheCanonicalTextOnlyWhenThereAreAny() {
        let without = Policy(spec(allow: ["projects/demo"]))
        #expect(without.canonicalText == "gatefs-policy 2\nallow\tprojects/demo\n")
        let with = Policy(spec(write: ["projects/demo"]))
        #expect(with.canonicalText == "gatefs-policy 2\nallow\tprojects/demo\nwrite\tprojects/demo\n")
        #expect(with.ruleCount == 1)
    }
}
