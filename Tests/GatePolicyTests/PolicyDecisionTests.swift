import Testing
import GatePolicy

/// A policy and what it must decide for a list of paths.
struct Scenario: Sendable, CustomTestStringConvertible {
    let name: String
    let spec: PolicySpec
    let expectations: [Expect]
    var testDescription: String { name }
}

@Suite struct PolicyDecisionTests {
    static let scenarios: [Scenario] = [
        Scenario(
            name: "deny beats allow",
            spec: spec(allow: ["**"], deny: ["**/*.sqlite", "private"]),
            expectations: [
                file("notes.txt", .visible, "allow:**"),
                file("db/app.sqlite", .hidden, "deny:**/*.sqlite"),
                dir("private", .hidden, "deny:private"),
                file("private/x", .hidden, "deny:private"),
                dir("privateer", .visible, "allow:**"),
            ]),
        Scenario(
            name: "secrets beat allow, even **",
            spec: spec(allow: ["**"], secrets: [("ssh", [".ssh"]), ("env", ["**/.env"])]),
            expectations: [
                dir(".ssh", .hidden, "secret:ssh"),
                file(".ssh/id_ed25519", .hidden, "secret:ssh"),
                file("p/.env", .hidden, "secret:env"),
                file("p/.env2", .visible, "allow:**"),
            ]),
        Scenario(
            name: "deny beats secret",
            spec: spec(allow: ["**"], deny: [".ssh"], secrets: [("ssh", [".ssh"])]),
            expectations: [dir(".ssh", .hidden, "deny:.ssh")]),
        Scenario(
            name: "except carves a path out of a secret",
            spec: spec(allow: ["**"], secrets: [("ssh", [".ssh"])], except: [".ssh/known_hosts"]),
            expectations: [
                dir(".ssh", .ancestor, "secret:ssh"),
                file(".ssh/known_hosts", .visible, "allow:**"),
                file(".ssh/id_rsa", .hidden, "secret:ssh"),
                dir(".ssh/sub", .hidden, "secret:ssh"),
                file(".ssh", .hidden, "secret:ssh"),  // a file cannot be an ancestor
            ]),
        Scenario(
            name: "an excepted path survives only if allowed too",
            spec: spec(allow: ["projects"], secrets: [("ssh", [".ssh"])], except: [".ssh/known_hosts"]),
            expectations: [
                dir(".ssh", .hidden, "secret:ssh"),
                file(".ssh/known_hosts", .hidden, "secret:ssh"),
                dir("projects", .visible, "allow:projects"),
            ]),
        Scenario(
            name: "except reaching deep into a secret directory",
            spec: spec(
                allow: [".config/gcloud/configurations"], secrets: [("gcloud", [".config/gcloud"])],
                except: [".config/gcloud/configurations/**"]),
            expectations: [
                dir(".config", .ancestor, "not-allowed"),
                dir(".config/gcloud", .ancestor, "secret:gcloud"),
                file(".config/gcloud/credentials.db", .hidden, "secret:gcloud"),
                dir(".config/gcloud/configurations", .visible, "allow:.config/gcloud/configurations"),
                file(".config/gcloud/configurations/config_default", .visible, "allow:.config/gcloud/configurations"),
                dir(".config/other", .hidden, "not-allowed"),
            ]),
        Scenario(
            name: "ancestors lead only to allowed content",
            spec: spec(allow: ["projects/demo"]),
            expectations: [
                dir("projects", .ancestor, "not-allowed"),
                dir("music", .hidden, "not-allowed"),
                dir("projects/demo", .visible, "allow:projects/demo"),
                file("projects/demo/src/x.c", .visible, "allow:projects/demo"),
                dir("projects/other", .hidden, "not-allowed"),
                file("projects/README", .hidden, "not-allowed"),
                file("projects/demo", .visible, "allow:projects/demo"),
            ]),
        Scenario(
            name: "a file where an ancestor directory would be is hidden",
            spec: spec(allow: ["projects/demo/x"]),
            expectations: [
                file("projects", .hidden, "not-allowed"),
                dir("projects", .ancestor, "not-allowed"),
                file("projects/demo", .hidden, "not-allowed"),
            ]),
        Scenario(
            name: "** patterns make every directory a possible ancestor",
            spec: spec(allow: ["**/*.md"]),
            expectations: [
                dir("a", .ancestor, "not-allowed"),
                dir("a/b", .ancestor, "not-allowed"),
                file("a/b/c.md", .visible, "allow:**/*.md"),
                file("a/b/c.txt", .hidden, "not-allowed"),
                file("top.md", .visible, "allow:**/*.md"),
            ]),
        Scenario(
            name: "internal hidden paths, with rotated siblings",
            spec: spec(
                allow: ["**"],
                hidden: [
                    HiddenPath(path: "mnt/view", reason: "mountpoint", prefixMatch: false),
                    HiddenPath(path: ".local/state/gatefs/access.jsonl", reason: "audit-log", prefixMatch: true),
                ]),
            expectations: [
                dir("mnt", .visible, "allow:**"),
                dir("mnt/view", .hidden, "mountpoint"),
                file("mnt/view/anything", .hidden, "mountpoint"),
                dir("mnt/viewer", .visible, "allow:**"),
                file(".local/state/gatefs/access.jsonl", .hidden, "audit-log"),
                file(".local/state/gatefs/access.jsonl.1", .hidden, "audit-log"),
                file(".local/state/gatefs/access.jsonl.5.gz", .hidden, "audit-log"),
                file(".local/state/gatefs/access.json", .visible, "allow:**"),
                file(".local/state/gatefs/other", .visible, "allow:**"),
            ]),
        Scenario(
            name: "hidden beats deny and secret",
            spec: spec(
                allow: ["**"], deny: ["log"], secrets: [("logs", ["log"])],
                hidden: [HiddenPath(path: "log", reason: "audit-log", prefixMatch: false)]),
            expectations: [file("log", .hidden, "audit-log")]),
        Scenario(
            name: "the shallowest covering rule is reported, then the first listed",
            spec: spec(allow: ["a/b", "a", "**/b"], deny: ["x/y", "**/y", "x"]),
            expectations: [
                file("a/b/c", .visible, "allow:a"),
                file("z/b", .visible, "allow:**/b"),
                file("x/y", .hidden, "deny:x"),
                file("q/y", .hidden, "deny:**/y"),
            ]),
        Scenario(
            name: "nothing allowed",
            spec: spec(),
            expectations: [dir("a", .hidden, "not-allowed"), file("b", .hidden, "not-allowed")]),
        Scenario(
            name: "except lifts secrets, not denies",
            spec: spec(allow: ["**"], deny: [".ssh/known_hosts"], secrets: [("ssh", [".ssh"])], except: [".ssh/known_hosts"]),
            expectations: [
                dir(".ssh", .ancestor, "secret:ssh"),
                file(".ssh/known_hosts", .hidden, "deny:.ssh/known_hosts"),
            ]),
    ]

    @Test(arguments: scenarios)
    func decides(_ scenario: Scenario) {
        let policy = Policy(scenario.spec)
        for e in scenario.expectations {
            let decision = policy.decide(e.path, isDirectory: e.isDirectory)
            #expect(decision.visibility == e.visibility, "\(e)")
            #expect(decision.rule.description == e.rule, "\(e)")
        }
    }

    @Test func rootIsAlwaysShown() {
        let cases: [(PolicySpec, Visibility)] = [
            (spec(), .ancestor),
            (spec(allow: ["**"]), .visible),
            (spec(allow: ["**"], deny: ["**"]), .ancestor),
            (spec(allow: ["a"]), .ancestor),
        ]
        for (s, visibility) in cases {
            let policy = Policy(s)
            for path in ["", ".", "/"] {
                #expect(policy.decide(path, isDirectory: true) == Decision(visibility: visibility, rule: .root))
            }
        }
    }

    @Test func denyEverythingHidesEveryChildOfTheRoot() {
        let policy = Policy(spec(allow: ["**"], deny: ["**"]))
        let (decision, cursor) = policy.step(policy.root, name: Array("a".utf8), isDirectory: true)
        #expect(decision == Decision(visibility: .hidden, rule: .deny("**")))
        #expect(cursor == nil)
    }

    @Test func ruleCountAndCanonicalText() {
        let s = spec(
            allow: ["a", "b"], deny: ["c"], secrets: [("ssh", [".ssh"]), ("env", ["**/.env", "**/.envrc"])],
            except: ["x%y"], hidden: [HiddenPath(path: [0x6D, 0xFF, 0x0A], reason: "mountpoint", prefixMatch: true)])
        let policy = Policy(s)
        #expect(policy.ruleCount == 7)
        #expect(
            policy.canonicalText == """
                gatefs-policy 2
                allow\ta
                allow\tb
                deny\tc
                secret ssh\t.ssh
                secret env\t**/.env
                secret env\t**/.envrc
                except\tx%25y
                hidden mountpoint prefix\tm%FF%0A

                """)
        #expect(Policy(s).canonicalText == policy.canonicalText)
    }
}
