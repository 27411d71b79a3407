import Testing
import GatePolicy

/// Step cost with ~1,000 rules. The budget (1 µs per decision) is only
/// asserted in optimised builds (`swift test -c release`); debug builds run
/// the same walk for correctness and print the figure.
@Suite struct PolicyBenchmarkTests {
    /// A rule mix shaped like a large real config: many literal allows, `**/name`
    /// denies, a few dozen extension globs, and a built-in-like secret list.
    static func largeSpec() -> PolicySpec {
        var allow: [String] = []
        var deny: [String] = []
        for k in 0..<600 { allow.append("projects/p\(k % 150)/module\(k)") }
        for k in 0..<100 { allow.append("work/*/docs/chapter\(k)") }
        for k in 0..<150 { deny.append("**/build\(k)") }
        for k in 0..<40 { deny.append("**/*.ext\(k)") }
        let secretPatterns = [
            ".ssh", ".gnupg", ".aws", ".config/gcloud", ".docker/config.json", "**/id_rsa", "**/id_ed25519",
            "**/*.pem", "**/*.key", "**/*.p12", "**/*.kdbx", "**/.*_history", "**/.env", "**/.env.*", "**/.envrc",
            "**/terraform.tfvars", "**/*.tfstate", ".cargo/credentials*", ".netrc", ".npmrc",
        ]
        var secrets: [(String, [String])] = []
        for (k, p) in secretPatterns.enumerated() { secrets.append(("s\(k)", [p])) }
        let total = allow.count + deny.count + secretPatterns.count
        for k in 0..<(1000 - total) { deny.append("cache/c\(k)") }
        return spec(allow: allow, deny: deny, secrets: secrets, except: [".ssh/known_hosts"])
    }

    /// Directory names and file names met while walking `projects/…`.
    static let files: [[UInt8]] = [
        "main.c", "README.md", "x.pem", ".env", "Makefile", "a.ext7", "notes.txt", "build12", ".bash_history",
        "module.swift", "id_rsa.pub", "data.json",
    ].map { Array($0.utf8) }

    @Test func decisionCost() {
        let policy = Policy(Self.largeSpec())
        #expect(policy.ruleCount == 1001)
        let projects = policy.step(policy.root, name: Array("projects".utf8), isDirectory: true)
        let project = policy.step(projects.1!, name: Array("p3".utf8), isDirectory: true)
        let module = policy.step(project.1!, name: Array("module3".utf8), isDirectory: true)
        #expect(projects.0.visibility == .ancestor)
        #expect(project.0.visibility == .ancestor)
        #expect(module.0.visibility == .visible)
        let cursors = [policy.root, projects.1!, project.1!, module.1!]

        #if DEBUG
            let rounds = 200
        #else
            let rounds = 20_000
        #endif
        var visible = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                for cursor in cursors {
                    for name in Self.files {
                        let (decision, _) = policy.step(cursor, name: name, isDirectory: false)
                        if decision.visibility == .visible { visible += 1 }
                    }
                    // A directory step too, which may build a cursor.
                    let (_, child) = policy.step(cursor, name: Self.files[4], isDirectory: true)
                    if child != nil { visible += 1 }
                }
            }
        }
        let steps = rounds * cursors.count * (Self.files.count + 1)
        let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        let perStep = nanos / Double(steps)
        print("policy step: \(Int(perStep)) ns per decision over \(steps) decisions with \(policy.ruleCount) rules")
        #expect(visible > 0)
        #if !DEBUG
            #expect(perStep < 1000, "\(perStep) ns per decision")
        #endif
    }
}
