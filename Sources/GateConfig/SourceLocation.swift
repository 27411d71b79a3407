/// A 1-based line and column in a config file. Columns count Unicode
/// scalars, as TOMLKit's parse errors do, so every error a user sees
/// counts the same way.
struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    let line: Int
    let column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    var description: String { "\(line):\(column)" }
}
