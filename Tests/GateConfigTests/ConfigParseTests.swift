import Foundation
import GatePolicy
import GateVocabulary
import Testing
@testable import GateConfig

@Suite struct ConfigParseTests {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func emptyFileGivesDefaults() throws {
        for text in ["", "# nothing\n", "[secrets]\n[log]\n"] {
            let config = try GateConfig.parse(text, file: "f", home: "/h")
            #expect(config.source == nil)
            #expect(config.inodeNumbers == .source)
            #expect(config.allow.isEmpty && config.deny.isEmpty)
            #expect(config.builtinSecrets == true)
            #expect(config.secretExcept.isEmpty)
            #expect(config.logPath == nil)
            #expect(config.logReads == .all)
            #expect(config.logRotateBytes == 67_108_864)
            #expect(config.logKeep == 5)
            #expect(config.file == "f")
        }
        #expect(GateConfig().logRotateBytes == 64 << 20)
        #expect(GateConfig().inodeNumbers == .source)
    }

    @Test func everyKey() throws {
        let text = """
            source = "~/work"
            inode_numbers = "private"
            deny = ["**/*.sqlite", 'a\\[b']
            [[allow]]
            path = "projects/demo"
            [[allow]]
            path = "notes/**/*.md"
            [secrets]
            builtin = false
            except = ["ssh", ".aws/config"]
            [log]
            path = "~"
            reads = "summary"
            rotate_bytes = 1024
            keep = 0
            """
        let config = try GateConfig.parse(text, file: "f", home: "/home/u/")
        #expect(config.source == "/home/u/work")
        #expect(config.inodeNumbers == .private)
        #expect(config.deny.map(\.text) == ["**/*.sqlite", "a\\[b"])
        #expect(config.allow.map(\.text) == ["projects/demo", "notes/**/*.md"])
        #expect(config.builtinSecrets == false)
        #expect(config.secretExcept == ["ssh", ".aws/config"])
        #expect(config.logPath == "/home/u")
        #expect(config.logReads == .summary)
        #expect(config.logRotateBytes == 1024)
        #expect(config.logKeep == 0)
    }

    @Test func writeGrantsAreAllowsToo() throws {
        let text = """
            [[allow]]
            path = "projects/demo"
            write = true
            [[allow]]
            path = "notes"
            write = false
            [[allow]]
            write = true
            path = "src/*/lib"
            [[allow]]
            path = "docs"
            """
        let config = try GateConfig.parse(text, file: "f", home: "/h")
        #expect(config.allow.map(\.text) == ["projects/demo", "notes", "src/*/lib", "docs"])
        #expect(config.write.map(\.text) == ["projects/demo", "src/*/lib"])
        #expect(try GateConfig.parse("[[allow]]\npath = \"a\"\n", file: "f", home: "/h").write.isEmpty)
        #expect(GateConfig().write.isEmpty)
    }

    @Test(arguments: InodeNumbering.allCases)
    func inodeNumbers(_ numbers: InodeNumbering) throws {
        for text in ["inode_numbers = \"\(numbers.rawValue)\"\n", "inode_numbers = '\(numbers.rawValue)'\n[log]\nkeep = 1\n"] {
            #expect(try GateConfig.parse(text, file: "f", home: "/h").inodeNumbers == numbers, "\(text)")
        }
    }

    /// Other TOML spellings of the same config must work too.
    @Test(arguments: [
        "allow = [{ path = \"a\" }, { path = \"b\" }]\nlog = { reads = \"summary\" }\n",
        "log.reads = \"summary\"\n[[allow]]\npath = \"a\"\n[[allow]]\n'path' = '''b'''\n",
    ])
    func alternativeSpellings(_ text: String) throws {
        let config = try GateConfig.parse(text, file: "f", home: "/h")
        #expect(config.allow.map(\.text) == ["a", "b"])
        #expect(config.logReads == .summary)
    }

    @Test(arguments: [
        ("~", "/home/u"), ("~/", "/home/u/"), ("~/x/y", "/home/u/x/y"), ("/abs", "/abs"), ("rel/x", "rel/x"),
        ("x~", "x~"),
    ])
    func tildeExpansion(_ written: String, _ expanded: String) throws {
        let config = try GateConfig.parse("source = \"\(written)\"\n", file: "f", home: "/home/u")
        #expect(config.source == expanded)
    }

    @Test func tildeWithRootHome() {
        #expect(HomeDirectory.expand("~/x", home: "/") == "/x")
        #expect(HomeDirectory.expand("~/x", home: "/h//") == "/h/x")
        #expect(HomeDirectory.expand("~bob", home: "/h") == nil)
    }

    @Test func exampleConfigParsesAndDocumentsEveryKey() throws {
        let url = Self.repositoryRoot.appendingPathComponent("config/example.toml")
        let config = try GateConfig.load(file: url.path, home: "/home/u")
        #expect(config.source == "/home/u")
        #expect(!config.allow.isEmpty && !config.deny.isEmpty && !config.secretExcept.isEmpty)
        #expect(config.logPath == "/home/u/.local/state/gatefs/access.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        // Every key of every table is set (not just mentioned) somewhere.
        let tables = ["allow", "secrets", "log"]
        let keys = ConfigReader.topKeys.filter { !tables.contains($0) } + ConfigReader.allowKeys
            + ConfigReader.secretsKeys + ConfigReader.logKeys
        for key in keys {
            #expect(text.contains("\n\(key) = "), "example.toml does not set '\(key)'")
        }
        for header in ["[[allow]]", "[secrets]", "[log]"] { #expect(text.contains("\n\(header)\n")) }
        #expect(config.logReads == .all && config.logKeep == 5 && config.logRotateBytes == 64 << 20)
        #expect(config.inodeNumbers == .source)
        #expect(config.write.map(\.text) == ["projects/demo"])
    }

    @Test func loadReadsTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gatefs-config-\(getpid()).toml")
        try Data("deny = [\"x\"]\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try GateConfig.load(file: url.path, home: "/h").deny.map(\.text) == ["x"])
    }

    @Test func invalidUTF8IsRejected() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gatefs-bad-\(getpid()).toml")
        try Data([0x61, 0x3D, 0x22, 0xFF, 0x22]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: ConfigError(file: url.path, line: nil, column: nil, message: "not valid UTF-8 text")) {
            try GateConfig.load(file: url.path, home: "/h")
        }
    }

    @Test func keySuggestions() {
        let known = ["source", "deny", "allow", "secrets", "log"]
        let cases: [(String, String?)] = [
            ("sorce", "source"), ("dney", "deny"), ("secret", "secrets"), ("lg", "log"), ("x", nil), ("paths", nil),
        ]
        for (typed, expected) in cases {
            #expect(KeySuggestion.closest(to: typed, among: known) == expected, "\(typed)")
        }
    }
}
