import Testing
import GateConfig

/// One bad config and where its (first) error must be reported.
struct BadConfig: Sendable, CustomTestStringConvertible {
    let text: String
    let line: Int
    let column: Int
    let message: String
    init(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        self.text = text
        self.line = line
        self.column = column
        self.message = message
    }
    var testDescription: String { text.debugDescription }
}

@Suite struct ConfigErrorTests {
    static let cases: [BadConfig] = [
        // TOML syntax, positioned by TOMLKit.
        BadConfig("source = \n", 1, 10, "invalid TOML"),
        BadConfig("deny = [\"a\"\n\"b\"]\n", 2, 1, "invalid TOML"),
        BadConfig("x = \"é\" = 3\n", 1, 9, "invalid TOML"),
        // Unknown keys, in every table, with suggestions.
        BadConfig("sorce = \"~\"\n", 1, 1, "unknown key 'sorce' (did you mean 'source'?)"),
        BadConfig("\n  colour = 1\n", 2, 3, "unknown key 'colour'"),
        BadConfig("[lgo]\npath = \"x\"\n", 1, 2, "unknown key 'lgo' (did you mean 'log'?)"),
        BadConfig("[log]\npth = \"x\"\n", 2, 1, "unknown key 'pth' in [log] (did you mean 'path'?)"),
        BadConfig("[secrets]\nexcept = []\nbuiltins = false\n", 3, 1, "unknown key 'builtins' in [secrets] (did you mean 'builtin'?)"),
        BadConfig(
            "[[allow]]\npath = \"a\"\n\n[[allow]]\npath = \"b\"\nrecursive = true\n", 6, 1,
            "unknown key 'recursive' in [[allow]]"),
        BadConfig("log.pth = 1\n", 1, 5, "unknown key 'pth' in [log]"),
        BadConfig("log = { path = \"x\", kep = 1 }\n", 1, 21, "unknown key 'kep' in [log] (did you mean 'keep'?)"),
        // The first error in the file wins, not the first in key order.
        BadConfig("zzz = 1\nsource = 2\n", 1, 1, "unknown key 'zzz'"),
        // Wrong types point at the value.
        BadConfig("source = 1\n", 1, 10, "'source' must be a string"),
        BadConfig("deny = \"*.sqlite\"\n", 1, 8, "'deny' must be an array of strings"),
        BadConfig("deny = [\"a\", 3]\n", 1, 14, "'deny' must be an array of strings"),
        BadConfig("allow = [\"x\"]\n", 1, 9, "'allow' must be [[allow]] tables"),
        BadConfig("[[allow]]\npath = [\"x\"]\n", 2, 8, "'path' in [[allow]] must be a string"),
        BadConfig("log = \"x\"\n", 1, 7, "'log' must be a table"),
        BadConfig("secrets = []\n", 1, 11, "'secrets' must be a table"),
        BadConfig("[secrets]\nbuiltin = \"yes\"\n", 2, 11, "'builtin' in [secrets] must be true or false"),
        BadConfig("[secrets]\nexcept = \".ssh\"\n", 2, 10, "'except' in [secrets] must be an array of strings"),
        BadConfig("[log]\nrotate_bytes = 1.5\n", 2, 16, "'rotate_bytes' in [log] must be an integer"),
        BadConfig("log.keep = \"5\"\n", 1, 12, "'keep' in [log] must be an integer"),
        // A write grant is a boolean.
        BadConfig("[[allow]]\npath = \"a\"\nwrite = \"yes\"\n", 3, 9, "'write' in [[allow]] must be true or false"),
        BadConfig("[[allow]]\npath = \"a\"\nwrite = 1\n", 3, 9, "'write' in [[allow]] must be true or false"),
        BadConfig("allow = [{ path = \"a\", write = [true] }]\n", 1, 32, "'write' in [[allow]] must be true or false"),
        // Both are wrong; the missing path, at the header, comes first in the file.
        BadConfig("[[allow]]\nwrite = \"no\"\n", 1, 1, "[[allow]] needs a 'path' key"),
        BadConfig("[[allow]]\npath = \"a\"\nwirte = true\n", 3, 1, "unknown key 'wirte' in [[allow]] (did you mean 'write'?)"),
        // Missing keys point at the table header.
        BadConfig("source = \"~\"\n\n[[allow]]\n# no path\n", 3, 1, "[[allow]] needs a 'path' key"),
        // Patterns: the column inside the string, escapes and all.
        BadConfig("[[allow]]\npath = \"a**b\"\n", 2, 10, "'**' must be a whole path segment"),
        BadConfig("deny = [\n  \"ok\",\n  \"a**\",\n]\n", 3, 5, "'**' must be a whole path segment"),
        BadConfig("deny = [\"\\u00e9/[\"]\n", 1, 17, "unclosed '['"),
        BadConfig("deny = ['é/[']\n", 1, 12, "unclosed '['"),
        BadConfig("deny = [\"a\\u0000b\"]\n", 1, 11, "NUL byte"),
        BadConfig("deny = [\"\"]\n", 1, 9, "empty pattern"),
        BadConfig("allow = [{ path = \"ok\" }, { path = \"x/../y\" }]\n", 1, 39, "'.' and '..' segments"),
        BadConfig("deny = [\"\"\"\nx/[\"\"\"]\n", 2, 3, "unclosed '['"),
        // Excepts: neither an entry name nor a pattern.
        BadConfig(
            "[secrets]\nexcept = [\"[x\"]\n", 2, 12, "'[x' in [secrets] except is neither a built-in entry name nor a valid pattern"),
        BadConfig("[secrets]\nexcept = [\"ssh**\"]\n", 2, 15, "(did you mean 'ssh'?)"),
        // Inode numbers.
        BadConfig("inode_numbers = \"shared\"\n", 1, 17, "'inode_numbers' must be \"source\" or \"private\", not \"shared\""),
        BadConfig("source = \"~\"\ninode_numbers = 'Source'\n", 2, 17, "'inode_numbers' must be \"source\" or \"private\""),
        BadConfig("inode_numbers = 1\n", 1, 17, "'inode_numbers' must be a string"),
        BadConfig("inode_number = \"source\"\n", 1, 1, "unknown key 'inode_number' (did you mean 'inode_numbers'?)"),
        // A top-level key written after a table header belongs to that table.
        BadConfig("[log]\ninode_numbers = \"private\"\n", 2, 1, "unknown key 'inode_numbers' in [log]"),
        // Log values.
        BadConfig("[log]\nreads = \"some\"\n", 2, 9, "'reads' in [log] must be \"all\" or \"summary\""),
        BadConfig("[log]\nrotate_bytes = 0\n", 2, 16, "'rotate_bytes' in [log] must be a positive"),
        BadConfig("[log]\nrotate_bytes = -5\n", 2, 16, "'rotate_bytes' in [log] must be a positive"),
        BadConfig("[log]\nkeep = -1\n", 2, 8, "'keep' in [log] must be zero or more"),
        BadConfig("[log]\npath = \"\"\n", 2, 8, "'path' in [log] must not be empty"),
        // Paths.
        BadConfig("source = \"\"\n", 1, 10, "'source' must not be empty"),
        BadConfig("source = \"~bob/x\"\n", 1, 10, "'~user' paths are not supported"),
    ]

    @Test(arguments: cases)
    func reportsWhere(_ c: BadConfig) {
        do {
            let config = try GateConfig.parse(c.text, file: "gatefs.toml", home: "/home/u")
            Issue.record("parsed: \(config)")
        } catch {
            #expect(error.file == "gatefs.toml")
            #expect(error.line == c.line, "\(error)")
            #expect(error.column == c.column, "\(error)")
            #expect(error.message.contains(c.message), "\(error)")
            #expect(error.description == "gatefs.toml:\(c.line):\(c.column): \(error.message)")
        }
    }

    @Test func descriptionWithoutPosition() {
        #expect(ConfigError(file: "f", line: nil, column: nil, message: "m").description == "f: m")
        #expect(ConfigError(file: "f", line: 3, column: nil, message: "m").description == "f:3: m")
    }

    @Test func missingFile() {
        #expect(throws: ConfigError(
            file: "/nonexistent/gatefs.toml", line: nil, column: nil,
            message: "cannot open: No such file or directory")) {
            try GateConfig.load(file: "/nonexistent/gatefs.toml", home: "/h")
        }
    }
}
