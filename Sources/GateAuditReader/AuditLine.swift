/// One newline-terminated line of a log file, where it came from, unparsed.
public struct AuditLine: Sendable, Equatable {
    /// The file it was read from.
    public var file: String
    /// 1-based line number within `file`.
    public var number: Int
    /// The bytes without the newline.
    public var bytes: [UInt8]

    public init(file: String, number: Int, bytes: [UInt8]) {
        self.file = file
        self.number = number
        self.bytes = bytes
    }

    public func parse() throws(AuditRecord.ParseError) -> AuditRecord {
        try AuditRecord(line: bytes)
    }
}
