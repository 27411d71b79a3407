import Testing
@testable import GatePolicy

/// One row: does `pattern` cover `path`, and could it cover something below?
struct MatchCase: CustomTestStringConvertible, Sendable {
    let pattern: String
    let path: [UInt8]
    let covers: Bool
    let below: Bool?

    init(_ pattern: String, _ path: String, _ covers: Bool, below: Bool? = nil) {
        self.init(pattern, Array(path.utf8), covers, below: below)
    }

    init(_ pattern: String, _ path: [UInt8], _ covers: Bool, below: Bool? = nil) {
        self.pattern = pattern
        self.path = path
        self.covers = covers
        self.below = below
    }

    var testDescription: String { "\(pattern) ~ \(path)" }
}

@Suite struct PatternMatchingTests {
    static let cases: [MatchCase] = [
        // `*` stays within one segment, and matches a leading dot on purpose.
        MatchCase("*", "x", true),
        MatchCase("*", ".bashrc", true),
        MatchCase("*", "a/b", true),  // covers beneath its top-level match
        MatchCase("*.txt", "a.txt", true),
        MatchCase("*.txt", ".txt", true),
        MatchCase("*.txt", "d/a.txt", false, below: false),
        MatchCase("a*", "a", true),
        MatchCase("a*c", "abbc", true),
        MatchCase("a*c", "ac", true),
        MatchCase("a*c", "acb", false),
        MatchCase("*a*", "bab", true),
        MatchCase("*a*b", "xaxbxb", true),
        MatchCase("*a*b", "xaxbxa", false),
        // `**` is zero or more whole segments.
        MatchCase("**/*.txt", "a.txt", true),
        MatchCase("**/*.txt", "d/e/a.txt", true),
        MatchCase("**/NAME", "NAME", true),
        MatchCase("**/NAME", "x/y/NAME", true),
        MatchCase("**/NAME", "x/NAME/z", true),
        MatchCase("**/NAME", "x/NAMEx", false, below: true),
        MatchCase("a/**/b", "a/b", true),
        MatchCase("a/**/b", "a/x/y/b", true),
        MatchCase("a/**/b", "a/x", false, below: true),
        MatchCase("a/**/b", "b", false, below: false),
        MatchCase("a/**/**/b", "a/b", true),
        MatchCase("**", "", true),
        MatchCase("**", "any/thing", true),
        // `a/**` and `a` cover exactly the same paths.
        MatchCase("a/**", "a", true),
        MatchCase("a", "a", true),
        MatchCase("a/**", "a/x/y", true),
        MatchCase("a", "a/x/y", true),
        MatchCase("a/**", "ab", false, below: false),
        MatchCase("a", "ab", false, below: false),
        MatchCase("a/**", "", false, below: true),
        MatchCase("a", "", false, below: true),
        // Slashes: leading, trailing and doubled ones do not matter.
        MatchCase("a/", "a/x", true),
        MatchCase("/a", "a", true),
        MatchCase("//a//b//", "a/b", true),
        MatchCase("a/b", "a", false, below: true),
        MatchCase("a/b", "b", false, below: false),
        MatchCase("a/b", "a//b/", true),
        MatchCase("a/b", "./a/./b", true),
        // Escapes and literal brackets.
        MatchCase("\\[x]", "[x]", true),
        MatchCase("\\[x]", "x", false),
        MatchCase("[[]x]", "[x]", true),
        MatchCase("\\*", "*", true),
        MatchCase("\\*", "a", false),
        MatchCase("\\?", "?", true),
        MatchCase("\\?", "a", false),
        MatchCase("a\\\\b", "a\\b", true),
        MatchCase("\\a", "a", true),
        // Classes.
        MatchCase("[abc]", "b", true),
        MatchCase("[abc]", "d", false),
        MatchCase("[a-c]x", "bx", true),
        MatchCase("[a-c]x", "dx", false),
        MatchCase("[!a-c]", "d", true),
        MatchCase("[!a-c]", "b", false),
        MatchCase("[^a-c]", "d", true),
        MatchCase("[]a]", "]", true),
        MatchCase("[]a]", "a", true),
        MatchCase("[]a]", "b", false),
        MatchCase("[!]]", "]", false),
        MatchCase("[!]]", "x", true),
        MatchCase("[a-]", "-", true),
        MatchCase("[\\]]", "]", true),
        MatchCase("[à-ê]", "é", true),
        MatchCase("[à-ê]", "e", false),
        // `?` is one character: one UTF-8 scalar, or one invalid byte.
        MatchCase("?", "é", true),
        MatchCase("??", "é", false),
        MatchCase("?", "ab", false),
        MatchCase("?b", "éb", true),
        MatchCase("*?", "é", true),
        MatchCase("?", "😀", true),
        MatchCase("?", [0xFF], true),
        MatchCase("?", [0xC3], true),
        MatchCase("?", [0xC3, 0x28], false),  // truncated sequence: two characters
        MatchCase("??", [0xC3, 0x28], true),
        MatchCase("?", [0xED, 0xA0, 0x80], false),  // a surrogate is three invalid bytes
        MatchCase("???", [0xED, 0xA0, 0x80], true),
        MatchCase("*", [0xFF, 0xFE], true),
        MatchCase("[!a]", [0xFF], true),
        MatchCase("[a]", [0xFF], false),
        MatchCase("a*", [0x61, 0xFF], true),
        MatchCase("*.pem", [0xFF, 0x2E, 0x70, 0x65, 0x6D], true),
        MatchCase("d", [0x64, 0x2F, 0xFF], true),  // d/<0xFF>
        // Case-sensitive.
        MatchCase("A", "a", false),
        // The env entry of the built-in list.
        MatchCase("**/.env.*", "p/.env.local", true),
        MatchCase("**/.env.*", ".envrc.example", false),
        MatchCase("**/.*_history", ".bash_history", true),
        MatchCase("**/.*_history", "._history", true),
        MatchCase("**/.*_history", "_history", false),
    ]

    @Test(arguments: cases)
    func covers(_ c: MatchCase) throws {
        let pattern = try Pattern(c.pattern)
        #expect(pattern.matches(c.path) == c.covers)
        // Coverage implies "could match below"; the reverse is per row.
        if c.covers { #expect(pattern.couldMatchBelow(c.path)) }
        if let below = c.below { #expect(pattern.couldMatchBelow(c.path) == below) }
    }

    @Test func equalityIsByText() throws {
        #expect(try Pattern("a/") != Pattern("a"))
        #expect(try Pattern("a") == Pattern("a"))
        #expect(try Pattern("x/y").description == "x/y")
    }
}
