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
    /// True when the oldest line present is the chain's start: seq 1,
    /// chained from the genesis value. False when older lines were rotated
    /// away or cut off (the chain is then checked from the oldest line present).
    public var startsAtGenesis: Bool
    /// Whether the oldest line's own hash could be checked: yes when it is a
    /// header (which names the hash before it) or seq 1; no for an older
    /// gatefs's file whose head is gone.
    public var firstLineChecked = false
    /// When the start is missing: the seq of the `rotate` line that records
    /// gatefs deleting the file just before the oldest one present (its
    /// `last_hash` is the oldest file's `prev_hash`). Nil when no line
    /// accounts for the missing start.
    public var startRotatedAwayBySeq: UInt64?
    /// Files whose first line is not a header: written by an older gatefs,
    /// or their first lines were cut off.
    public var filesWithoutHeader: [String] = []
    public var problem: AuditChainBreak?
    /// An unterminated last line in the newest file: a write in progress, or
    /// a crash; the next writer cuts it and logs it in a `recover` line.
    public var incompleteTail: AuditLine?

    public init(files: [String], lines: Int, startsAtGenesis: Bool) {
        self.files = files
        self.lines = lines
        self.startsAtGenesis = startsAtGenesis
    }

    /// The chain holds from its oldest line present.
    public var isOK: Bool { problem == nil }

    /// The chain's first lines are not there (rotated away, deleted or cut).
    public var startIsMissing: Bool { firstSeq != nil && !startsAtGenesis }

    /// `isOK`, and with `strict` also that the chain starts at its start.
    public func isOK(strict: Bool) -> Bool {
        isOK && !(strict && startIsMissing)
    }

    /// A few lines for people.
    public var report: String { report(strict: false) }

    public func report(strict: Bool) -> String {
        if let problem { return "BROKEN: \(problem)" }
        guard let firstSeq, let lastSeq else { return "OK: empty log" }
        let summary = "\(lines) lines in \(files.count) file\(files.count == 1 ? "" : "s"), seq \(firstSeq)…\(lastSeq), last hash \(lastHash ?? "")"
        var text = strict && startIsMissing ? "INCOMPLETE: " + summary : "OK: " + summary
        if startIsMissing {
            text += "\n  " + (strict ? "FAILED" : "WARNING") + ": the chain's start is missing: the chain starts at seq \(firstSeq), "
            if let seq = startRotatedAwayBySeq {
                text += "and the lines before it were rotated away (the rotate line with seq \(seq) records deleting them)"
            } else {
                text += "and no rotate line accounts for the lines before it: they were deleted or cut off (or rotated away by an older gatefs)"
            }
            if !firstLineChecked {
                text += "\n  note: the oldest line is not a header, so even its own hash cannot be checked"
            }
            if !strict { text += "\n  (gatefs log verify --strict fails on this)" }
        }
        if !filesWithoutHeader.isEmpty {
            let names = filesWithoutHeader.count > 3 ? "\(filesWithoutHeader.count) files" : filesWithoutHeader.joined(separator: ", ")
            text += "\n  note: no header in \(names): written by an older gatefs (or the file's first lines were cut)"
        }
        if let incompleteTail {
            text += "\n  note: \(incompleteTail.file):\(incompleteTail.number) is an incomplete last line (\(incompleteTail.bytes.count) bytes; write in progress or crash)"
        }
        return text
    }
}
