import GatePolicy
import Testing
@testable import GateConfig

@Suite struct PolicySpecTests {
    func policy(_ text: String, allow: [String] = ["**"], deny: [String] = [], hidden: [HiddenPath] = []) throws -> Policy {
        let config = try GateConfig.parse(text, file: "f", home: "/h")
        return Policy(
            try config.policySpec(extraAllow: allow.map { try Pattern($0) }, extraDeny: deny.map { try Pattern($0) }, hidden: hidden))
    }

    @Test func builtinListIsOnByDefault() throws {
        let spec = try GateConfig().policySpec(extraAllow: [], extraDeny: [], hidden: [])
        #expect(spec.secrets == BuiltinSecrets.entries)
        #expect(spec.secretExcept.isEmpty)
    }

    @Test func builtinFalseDropsTheList() throws {
        let p = try policy("[secrets]\nbuiltin = false\n")
        #expect(p.spec.secrets.isEmpty)
        #expect(p.decide(".ssh/id_rsa", isDirectory: false).visibility == .visible)
    }

    @Test func exceptByEntryNameDropsTheEntry() throws {
        let p = try policy("[secrets]\nexcept = [\"history\"]\n")
        #expect(!p.spec.secrets.map(\.name).contains("history"))
        #expect(p.spec.secretExcept.isEmpty)
        #expect(p.decide(".bash_history", isDirectory: false) == Decision(visibility: .visible, rule: .allow("**")))
        #expect(p.decide(".ssh", isDirectory: true).visibility == .hidden)
    }

    @Test func exceptByPatternCarvesOut() throws {
        let p = try policy("[secrets]\nexcept = [\".ssh/known_hosts\"]\n")
        #expect(p.spec.secretExcept.map(\.text) == [".ssh/known_hosts"])
        #expect(p.decide(".ssh", isDirectory: true) == Decision(visibility: .ancestor, rule: .secret("ssh")))
        #expect(p.decide(".ssh/known_hosts", isDirectory: false) == Decision(visibility: .visible, rule: .allow("**")))
        #expect(p.decide(".ssh/id_rsa", isDirectory: false) == Decision(visibility: .hidden, rule: .secret("ssh")))
    }

    @Test func commandLineRulesAreAppended() throws {
        let p = try policy("deny = [\"a\"]\n[[allow]]\npath = \"x\"\n", allow: ["y"], deny: ["b"])
        #expect(p.spec.allow.map(\.text) == ["x", "y"])
        #expect(p.spec.deny.map(\.text) == ["a", "b"])
    }

    @Test func writeGrantsFromTheFileAndTheCommandLine() throws {
        let config = try GateConfig.parse(
            "[[allow]]\npath = \"projects/demo\"\nwrite = true\n[[allow]]\npath = \"notes\"\n", file: "f", home: "/h")
        let spec = try config.policySpec(
            extraAllow: [try Pattern("docs")], extraWrite: [try Pattern("tmp/agent")], extraDeny: [], hidden: [])
        #expect(spec.allow.map(\.text) == ["projects/demo", "notes", "docs", "tmp/agent"])
        #expect(spec.write.map(\.text) == ["projects/demo", "tmp/agent"])
        let p = Policy(spec)
        #expect(p.decide("tmp/agent/x", isDirectory: false).write == .write("tmp/agent"))
        #expect(p.decide("projects/demo/x", isDirectory: false).write == .write("projects/demo"))
        #expect(p.decide("notes/x", isDirectory: false) == Decision(visibility: .visible, rule: .allow("notes")))
        // The built-in list beats the grant.
        #expect(p.decide("projects/demo/.env", isDirectory: false).visibility == .hidden)
        #expect(p.decide("projects/demo/sub/.ssh/id_rsa", isDirectory: false).write == nil)
    }

    @Test func hiddenPathsPassThrough() throws {
        let log = HiddenPath(path: "state/access.jsonl", reason: "audit-log", prefixMatch: true)
        let p = try policy("", hidden: [log])
        #expect(p.spec.hidden == [log])
        #expect(p.decide("state/access.jsonl.2", isDirectory: false) == Decision(visibility: .hidden, rule: .hidden("audit-log")))
    }

    @Test func invalidExceptSetInCodeThrows() {
        var config = GateConfig()
        config.file = "cli"
        config.secretExcept = ["ssh", "[oops"]
        #expect(throws: ConfigError.self) { try config.policySpec(extraAllow: [], extraDeny: [], hidden: []) }
    }
}
