import Testing
@testable import GatePolicy

/// Built-in secret entries (`SecretEntry.builtin`): any depth, ASCII case
/// folded, editor and backup variants; and the fixed-path API the gate uses.
@Suite struct BuiltinMatchingTests {
    static func builtinSpec(
        allow: [String] = ["**"], deny: [String] = [], entries: [(String, [String])], user: [(String, [String])] = [],
        except: [String] = []
    ) -> PolicySpec {
        var s = spec(allow: allow, deny: deny, secrets: user, except: except)
        s.secrets += entries.map { SecretEntry(name: $0.0, patterns: $0.1.map(pattern), builtin: true) }
        return s
    }

    static func bases(_ name: String) -> Set<String> {
        var out: Set<String> = []
        Array(name.utf8).withUnsafeBufferPointer { buffer in
            BuiltinMatching.forEachBase(buffer) { out.insert(String(decoding: $0, as: UTF8.self)) }
        }
        return out
    }

    @Test(arguments: [
        ("id_rsa", ["id_rsa"]),
        ("id_rsa~", ["id_rsa~", "id_rsa"]),
        ("id_rsa.bak", ["id_rsa.bak", "id_rsa"]),
        ("x.orig", ["x.orig", "x"]),
        ("x.old", ["x.old", "x"]),
        ("#.env#", ["#.env#", ".env"]),
        (".ssh.swp", [".ssh.swp", ".ssh", "ssh"]),
        (".id_rsa.swp", [".id_rsa.swp", ".id_rsa", "id_rsa"]),
        ("a.swp", ["a.swp", "a"]),
        // Four stacked decorations are stripped; a fifth is not.
        ("a.bak.old~", ["a.bak.old~", "a.bak.old", "a.bak", "a"]),
        ("a.bak.bak.bak.bak", ["a.bak.bak.bak.bak", "a.bak.bak.bak", "a.bak.bak", "a.bak", "a"]),
        ("a.bak.bak.bak.bak.bak", ["a.bak.bak.bak.bak.bak", "a.bak.bak.bak.bak", "a.bak.bak.bak", "a.bak.bak", "a.bak"]),
        // Round 2's adversarial pass: more editors and backup tools.
        ("a.swo", ["a.swo", "a"]), (".a.swo", [".a.swo", ".a", "a"]), (".a.un~", [".a.un~", ".a.un", "a"]),
        ("a.~12~", ["a.~12~", "a.~12", "a.~", "a.", "a"]), ("a.save", ["a.save", "a"]), ("a-backup", ["a-backup", "a"]),
        ("a_old", ["a_old", "a"]), ("a copy", ["a copy", "a"]), ("a (copy)", ["a (copy)", "a"]),
        ("a.dpkg-old", ["a.dpkg-old", "a.dpkg", "a"]), ("a.1", ["a.1", "a"]), ("a2", ["a2", "a"]), ("a-", ["a-", "a"]),
        ("a ", ["a ", "a"]), ("a.", ["a.", "a"]),
        // The second adversarial pass: more backup tools and encodings.
        ("copy of a", ["copy of a", "a"]), ("a.bkp", ["a.bkp", "a"]), ("a.sav", ["a.sav", "a"]),
        ("a.swm", ["a.swm", "a"]), (".a.swa", [".a.swa", ".a", "a"]), ("a,v", ["a,v", "a"]),
        ("a.gz", ["a.gz", "a"]), ("a.previous", ["a.previous", "a"]), ("a\n", ["a\n", "a"]),
        ("a.swq", ["a.swq"]), ("copy of ", ["copy of ", "copy of"]),
        // Never an empty base.
        ("~", ["~"]), (".bak", [".bak"]), ("##", ["##"]), (".swp", [".swp"]), (".orig", [".orig"]),
        ("#a", ["#a"]), ("a#", ["a#"]), ("bak", ["bak"]), ("xbak", ["xbak"]), ("x.back", ["x.back"]),
        ("x.md", ["x.md"]), ("x.pdf", ["x.pdf"]), ("x.png", ["x.png"]), ("x.config", ["x.config"]),
    ])
    func basesAreTheDocumentedStrips(_ name: String, _ expected: [String]) {
        #expect(Self.bases(name) == Set(expected))
    }

    @Test func lowercasingIsASCIIOnly() {
        #expect(BuiltinMatching.lowercased(Array("ID_RSA.Bak-ÉÀ-@[`{".utf8)) == Array("id_rsa.bak-ÉÀ-@[`{".utf8))
    }

    static let scenario = builtinSpec(
        entries: [("ssh", [".ssh"]), ("docker", [".docker/config.json"]), ("key-file", ["*.pem"]),
                  ("history", [".*_history"]), ("env", [".env", ".env-*", "*.env"]), ("deep", ["**/Deep/Store"])],
        user: [("mine", ["vault"])])

    @Test(arguments: [
        // Any depth.
        dir(".ssh", .hidden, "secret:ssh"), file("a/.ssh/config", .hidden, "secret:ssh"),
        dir("a/b/c/.ssh", .hidden, "secret:ssh"), file("a/b/c/.ssh/id", .hidden, "secret:ssh"),
        file("x/.docker/config.json", .hidden, "secret:docker"), file("x/y/z/.docker/config.json", .hidden, "secret:docker"),
        file("deep/Deep/Store", .hidden, "secret:deep"), file("DEEP/STORE", .hidden, "secret:deep"),
        // Case, ASCII only.
        dir(".SSH", .hidden, "secret:ssh"), dir("a/.Ssh", .hidden, "secret:ssh"), file("key.PEM", .hidden, "secret:key-file"),
        file("p/.DOCKER/Config.JSON", .hidden, "secret:docker"), file(".ENV", .hidden, "secret:env"),
        // Variants, of files and directories, at every segment.
        file(".env~", .hidden, "secret:env"), file("p/#.env#", .hidden, "secret:env"), file(".env.swp", .hidden, "secret:env"),
        file("p/q/r/.env.bak", .hidden, "secret:env"), file("server.pem~", .hidden, "secret:key-file"),
        file("server.pem.bak", .hidden, "secret:key-file"), file("SERVER.PEM.ORIG", .hidden, "secret:key-file"),
        file(".bash_history~", .hidden, "secret:history"), file("a/.zsh_history.old", .hidden, "secret:history"),
        dir(".ssh.bak", .hidden, "secret:ssh"), file(".ssh.bak/id", .hidden, "secret:ssh"), dir("h/.ssh~", .hidden, "secret:ssh"),
        dir("#.ssh#", .hidden, "secret:ssh"), dir(".ssh.old", .hidden, "secret:ssh"), dir(".ssh.orig", .hidden, "secret:ssh"),
        dir(".SSH.BAK", .hidden, "secret:ssh"), file(".docker.bak/config.json", .hidden, "secret:docker"),
        file(".docker/config.json.orig", .hidden, "secret:docker"), file(".docker/.config.json.swp", .hidden, "secret:docker"),
        file(".env-prod", .hidden, "secret:env"), file("prod.env", .hidden, "secret:env"), file("a/b/c/x.env~", .hidden, "secret:env"),
        // Near misses stay visible.
        dir(".ssh.d", .visible, "allow:**"), dir("ssh", .visible, "allow:**"), file(".sshd_config", .visible, "allow:**"),
        file(".docker/config.yaml", .visible, "allow:**"), file("config.json", .visible, "allow:**"),
        file("server.pem.txt", .visible, "allow:**"), file("environment.txt", .visible, "allow:**"),
        file("notes.env.md", .visible, "allow:**"), dir("envoy", .visible, "allow:**"), file(".envoy", .visible, "allow:**"),
        file(".bashrc~", .visible, "allow:**"), file("history~", .visible, "allow:**"), file(".ssh.bak.bak.bak.bak.bak", .visible, "allow:**"), file(".ssh.bak.bak.bak.bak", .hidden, "secret:ssh"),
        file("Deep/Stores", .visible, "allow:**"),
        // A user's secret entry stays root-anchored and case-sensitive.
        file("vault", .hidden, "secret:mine"), file("a/vault", .visible, "allow:**"), file("VAULT", .visible, "allow:**"),
        file("vault~", .visible, "allow:**"),
    ])
    func decides(_ e: Expect) {
        let decision = Policy(Self.scenario).decide(e.path, isDirectory: e.isDirectory)
        #expect(decision.visibility == e.visibility, "\(e)")
        #expect(decision.rule.description == e.rule, "\(e)")
    }

    @Test func userRulesStayCaseSensitive() {
        let policy = Policy(Self.builtinSpec(allow: ["Docs"], deny: ["Docs/Private"], entries: [("ssh", [".ssh"])]))
        #expect(policy.decide("Docs/x", isDirectory: false).visibility == .visible)
        #expect(policy.decide("docs/x", isDirectory: false).visibility == .hidden)
        #expect(policy.decide("Docs/Private/x", isDirectory: false) == Decision(visibility: .hidden, rule: .deny("Docs/Private")))
        #expect(policy.decide("Docs/private/x", isDirectory: false).visibility == .visible)
        #expect(policy.decide("Docs/PRIVATE.bak", isDirectory: false).visibility == .visible)
        #expect(policy.decide("Docs/a/.SSH/x", isDirectory: false) == Decision(visibility: .hidden, rule: .secret("ssh")))
    }

    /// A pattern except exposes only the path it names, root-anchored and
    /// case-sensitive; the nested, case and variant stores stay hidden.
    @Test func exceptPatternsStayRootAnchored() {
        let policy = Policy(Self.builtinSpec(entries: [("ssh", [".ssh"])], except: [".ssh/known_hosts"]))
        #expect(policy.decide(".ssh", isDirectory: true) == Decision(visibility: .ancestor, rule: .secret("ssh")))
        #expect(policy.decide(".ssh/known_hosts", isDirectory: false) == Decision(visibility: .visible, rule: .allow("**")))
        #expect(policy.decide(".ssh/id_rsa", isDirectory: false) == Decision(visibility: .hidden, rule: .secret("ssh")))
        for path in ["a/.ssh/known_hosts", "a/b/c/.ssh/known_hosts", ".SSH/known_hosts", ".ssh.bak/known_hosts", ".ssh/KNOWN_HOSTS"] {
            #expect(policy.decide(path, isDirectory: false) == Decision(visibility: .hidden, rule: .secret("ssh")), "\(path)")
        }
        #expect(policy.decide("a/.ssh", isDirectory: true) == Decision(visibility: .hidden, rule: .secret("ssh")))
    }

    /// Built-in nodes must not cost an allocation per directory deep in a tree.
    @Test func unchangedLiveSetIsSharedWithBuiltinNodes() throws {
        let policy = Policy(Self.builtinSpec(allow: ["src"], entries: [("ssh", [".ssh"]), ("env", ["*.env"])]))
        var cursor = try #require(policy.step(policy.root, name: Array("src".utf8), isDirectory: true).1)
        #expect(cursor.nodes.contains { policy.automaton.nodes[Int($0)].folded })
        for name in ["a", "B", "c.bak"] {
            let child = try #require(policy.step(cursor, name: Array(name.utf8), isDirectory: true).1)
            let same = child.nodes.withUnsafeBufferPointer { c in
                cursor.nodes.withUnsafeBufferPointer { p in c.baseAddress == p.baseAddress }
            }
            #expect(same, "\(name)")
            cursor = child
        }
        #expect(MemoryLayout<PolicyCursor>.size <= 24)
    }

    /// A folded node with many literal edges: a name with many bases may
    /// enter several of them; the scratch set must be sized for it.
    @Test func manyBasesEnterManyLiteralEdges() {
        let names = ["x", "x.bak", "x.bak.old", ".x", ".x.swp", "#x#"]
        let policy = Policy(Self.builtinSpec(entries: names.map { ($0, [$0]) }))
        // Bases .x.swp.bak.old, .x.swp.bak, .x.swp, .x and x: three entries hit, the first listed is reported.
        #expect(policy.decide(".x.swp.bak.old", isDirectory: false) == Decision(visibility: .hidden, rule: .secret("x")))
        #expect(policy.decide("p/x.bak.old~", isDirectory: false) == Decision(visibility: .hidden, rule: .secret("x")))
        #expect(policy.decide("p/x.bak.old", isDirectory: true) == Decision(visibility: .hidden, rule: .secret("x")))
        #expect(policy.decide("a/.x.swp", isDirectory: false) == Decision(visibility: .hidden, rule: .secret("x")))
    }

    @Test func canonicalTextMarksBuiltinEntries() {
        let policy = Policy(Self.builtinSpec(allow: ["a"], entries: [("ssh", [".ssh"])], user: [("mine", ["v"])]))
        #expect(policy.canonicalText == "gatefs-policy 2\nallow\ta\nsecret mine\tv\nbuiltin-secret ssh\t.ssh\n")
        let exact = Policy(spec(allow: ["a"], secrets: [("mine", ["v"]), ("ssh", [".ssh"])]))
        #expect(exact.canonicalText != policy.canonicalText)
    }

    // MARK: fixed paths

    @Test(arguments: [
        ("a", false, ["a"]), ("/a/b/", false, ["a", "b"]), ("a//b", false, ["a", "b"]), ("a/**", false, ["a"]),
        ("\\[x\\]/a\\*b", false, ["[x]", "a*b"]), ("**/.docker/config.json", true, [".docker", "config.json"]),
        ("**/**/.ssh", true, [".ssh"]), ("é/😀", false, ["é", "😀"]),
    ])
    func fixedPaths(_ text: String, _ anyDepth: Bool, _ segments: [String]) {
        #expect(pattern(text).fixedPath == FixedPath(anyDepth: anyDepth, segments: segments.map { Array($0.utf8) }))
    }

    @Test(arguments: ["**", "*.pem", "a/*", "a/**/b", "a/?", "[a]", ".cargo/credentials*", "**/x/*", "x*y"])
    func wildcardPatternsHaveNoFixedPath(_ text: String) {
        #expect(pattern(text).fixedPath == nil)
    }

    @Test func fixedStorePathsListSecretsThenDenies() {
        let policy = Policy(Self.builtinSpec(
            deny: ["private/notes", "**/*.o", "**/token"],
            entries: [("docker", [".docker/config.json", "*.pem"]), ("browser", [".config/BraveSoftware"])],
            user: [("mine", ["vault/db"])]))
        let got = policy.fixedStorePaths.map { "\($0.rule) \($0.path.anyDepth) " + $0.path.segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "|") }
        #expect(got == [
            "secret:mine false vault|db",
            "secret:docker true .docker|config.json",
            "secret:browser true .config|BraveSoftware",
            "deny:private/notes false private|notes",
            "deny:**/token true token",
        ])
    }
}
