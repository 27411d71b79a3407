/// Why a pattern did not compile, and where.
///
/// `column` is the 1-based byte column in `pattern`, so a config loader can
/// add it to the column of the string that held the pattern.
public struct PatternError: Error, Equatable, CustomStringConvertible {
    /// The pattern as the user wrote it.
    public let pattern: String
    public let message: String
    /// 1-based byte offset into `pattern.utf8` of the offending character.
    public let column: Int

    public init(pattern: String, message: String, column: Int) {
        self.pattern = pattern
        self.message = message
        self.column = column
    }

    public var description: String {
        "invalid pattern '\(pattern)' at column \(column): \(message)"
    }
}
