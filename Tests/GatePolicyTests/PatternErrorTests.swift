import Testing
import GatePolicy

struct ErrorCase: CustomTestStringConvertible, Sendable {
    let pattern: String
    let column: Int
    let message: String
    init(_ pattern: String, _ column: Int, _ message: String) {
        self.pattern = pattern
        self.column = column
        self.message = message
    }
    var testDescription: String { pattern.debugDescription }
}

@Suite struct PatternErrorTests {
    static let cases: [ErrorCase] = [
        ErrorCase("", 1, "empty pattern"),
        ErrorCase("///", 1, "only '/'"),
        ErrorCase("a/[bc", 3, "unclosed '['"),
        ErrorCase("[a/b]", 1, "unclosed '['"),
        ErrorCase("[]", 1, "empty character class"),
        ErrorCase("x[!]", 2, "empty character class"),
        ErrorCase("[]abc", 1, "unclosed '['"),
        ErrorCase("a/./b", 3, "'.' and '..' segments are not allowed"),
        ErrorCase("../x", 1, "'.' and '..' segments are not allowed"),
        ErrorCase("a/\\.", 3, "'.' and '..' segments are not allowed"),
        ErrorCase("a\\", 2, "trailing '\\' escapes nothing"),
        ErrorCase("[a\\", 3, "trailing '\\' escapes nothing"),
        ErrorCase("a\u{0}b", 2, "NUL byte"),
        ErrorCase("a**b", 2, "'**' must be a whole path segment"),
        ErrorCase("**.txt", 1, "'**' must be a whole path segment"),
        ErrorCase("x/***", 3, "'**' must be a whole path segment"),
        ErrorCase("x/a**", 4, "'**' must be a whole path segment"),
        ErrorCase("[z-a]", 2, "backwards"),
        ErrorCase("a\\/b", 2, "cannot be escaped"),
        ErrorCase("é/[", 4, "unclosed '['"),  // columns count bytes
    ]

    @Test(arguments: cases)
    func rejects(_ c: ErrorCase) {
        #expect(throws: PatternError.self) { try Pattern(c.pattern) }
        do {
            _ = try Pattern(c.pattern)
        } catch {
            #expect(error.column == c.column)
            #expect(error.message.contains(c.message), "\(error.message)")
            #expect(error.pattern == c.pattern)
            #expect(error.description.contains("column \(c.column)"))
        }
    }

    /// Near misses of the error cases that must compile.
    @Test(arguments: ["**", "/**/", "a/**", "**/b", "\\**", "*\\*", "[]]", "[!]]", "...", ".x", "a..b", "[[]", "\\\\"])
    func accepts(_ text: String) throws {
        _ = try Pattern(text)
    }
}
