/// A config problem, with the place in the file where one applies.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based; nil when the problem is the file as a whole.
    public let line: Int?
    /// 1-based, in Unicode scalars; nil when only the line is known.
    public let column: Int?
    public let message: String

    public init(file: String, line: Int?, column: Int?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(file: String, at location: SourceLocation?, _ message: String) {
        self.init(file: file, line: location?.line, column: location?.column, message: message)
    }

    /// `FILE:LINE:COLUMN: message`, the form editors and compilers use, so a
    /// terminal or IDE can jump to it.
    public var description: String {
        var place = file
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return "\(place): \(message)"
    }
}
