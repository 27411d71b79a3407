/// What `AuditVerifier` found.
public struct AuditVerification: Sendable, Equatable {
    /// The files walked, oldest first.
    public var files: [String]
    /// Complete lines checked before the first break (all of them when OK).
    public var lines: Int
    public var firstSeq: UInt64?
    public var lastSeq: UInt64?
    /// The last good line's hash: keep it elsewhere to detect later truncation.
    public var lastHash: String?
    /// True when the oldest line present is seq 1 and chains from the genesis
    /// value; false when older files were rotated away (the chain is then
    /// checked from the oldest line present).
    public var startsAtGenesis: Bool
    public var problem: AuditChainBreak?
    /// An unterminated last line in the newest file: a write in progress, or
    /// a crash; the next writer cuts it and logs it in a `recover` line.
    public var incompleteTail: AuditLine?

    public var isOK: Bool { problem == nil }

    /// One or two lines for people.
    public var report: String {
        if let problem { return "BROKEN: \(problem)" }
        guard let firstSeq, let lastSeq else { return "OK: empty log" }
        var text = "OK: \(lines) lines in \(files.count) file\(files.count == 1 ? "" : "s"), seq \(firstSeq)…\(lastSeq), last hash \(lastHash ?? "")"
        if !startsAtGenesis { text += "\n  note: chain starts at seq \(firstSeq); older files were rotated away" }
        if let incompleteTail {
            text += "\n  note: \(incompleteTail.file):\(incompleteTail.number) is an incomplete last line (\(incompleteTail.bytes.count) bytes; write in progress or crash)"
        }
        return text
    }
}
