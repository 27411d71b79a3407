/// One parsed log line, typed, with the original bytes kept for pass-through
/// (`gatefs log --json`) and for the chain check.
///
/// Fields that belong to other events are nil. Unknown keys are ignored, so a
/// newer writer's extra fields do not break an older reader.
public struct AuditRecord: Sendable, Equatable {
    /// The line exactly as stored, without its newline.
    public var raw: [UInt8]

    public var time: AuditTime
    public var event: String
    /// The escaped text form (see `AuditPath`); `pathBytes` undoes the escaping.
    public var path: String
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    public var process: String?
    public var container: String?
    public var seq: UInt64
    public var hash: String

    // mount / unmount
    public var source: String?
    public var mountpoint: String?
    public var options: [String]?
    public var policy: String?
    public var rules: UInt64?
    // open / read / close
    public var flags: String?
    public var handle: UInt64?
    public var result: String?
    public var offset: UInt64?
    public var size: UInt64?
    public var bytes: UInt64?
    public var reads: UInt64?
    // deny
    public var op: String?
    public var rule: String?
    public var errno: String?
    // readdir
    public var entries: UInt64?
    // backpressure
    public var waitedMicroseconds: UInt64?
    public var blocked: UInt64?
    public var maxWaitMicroseconds: UInt64?
    // recover
    public var torn: String?
    public var tornBytes: UInt64?
    // deny lines that carry a count of repeats (see `AuditRepeats`)
    /// The number of identical denials counted into this line (`repeat`);
    /// the first of them was written on a line of its own earlier.
    public var repeatCount: UInt64?
    public var firstRepeat: AuditTime?
    public var lastRepeat: AuditTime?
    // xattr
    /// The attribute name, escaped like `path`.
    public var name: String?
    // header
    public var format: UInt64?
    public var start: Bool?
    public var previousHash: String?
    // rotate
    public var file: String?
    public var lastSeq: UInt64?
    public var lastHash: String?

    /// The path's original bytes, or the text's UTF-8 if the escaping is malformed.
    public var pathBytes: [UInt8] {
        AuditPath.unescape(path) ?? Array(path.utf8)
    }

    /// Whether this line is a policy denial or an open the system refused for
    /// permission reasons (`--denied`).
    public var isDenial: Bool {
        event == "deny" || ((event == "open" || event == "opendir") && (result == "EACCES" || result == "EPERM"))
    }

    /// How many denials the line stands for: a `deny` line with `repeat` N
    /// counts N (its first occurrence has a line of its own), others 1.
    public var denials: UInt64 {
        guard isDenial else { return 0 }
        return repeatCount ?? 1
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible, Equatable {
        public var message: String
        public var description: String { message }
    }

    /// Parses one line (without its newline).
    public init<C: Collection>(line: C) throws(ParseError) where C.Element == UInt8 {
        raw = Array(line)
        let value: JSONValue
        do {
            value = try JSONParser.parse(raw)
        } catch {
            throw ParseError(message: "not JSON at byte \(error.offset): \(error.message)")
        }
        guard case .object(let fields) = value else { throw ParseError(message: "not a JSON object") }

        func required<T>(_ key: String, _ get: (JSONValue) -> T?) throws(ParseError) -> T {
            guard let field = fields[key] else { throw ParseError(message: "missing \"\(key)\"") }
            guard let typed = get(field) else { throw ParseError(message: "\"\(key)\" has the wrong type") }
            return typed
        }
        let timeText = try required("time") { $0.string }
        guard let time = AuditTime(rfc3339: timeText) else { throw ParseError(message: "\"time\" is not RFC 3339") }
        self.time = time
        event = try required("event") { $0.string }
        path = try required("path") { $0.string }
        pid = try required("pid") { $0.int64.flatMap(Int32.init(exactly:)) }
        uid = try required("uid") { $0.uint64.flatMap(UInt32.init(exactly:)) }
        gid = try required("gid") { $0.uint64.flatMap(UInt32.init(exactly:)) }
        seq = try required("seq") { $0.uint64 }
        hash = try required("hash") { $0.string }
        readOptionalFields(fields)
    }

    /// The fields only some events have; absent or mistyped ones stay nil.
    private mutating func readOptionalFields(_ fields: [String: JSONValue]) {
        process = fields["process"]?.string
        container = fields["container"]?.string
        source = fields["source"]?.string
        mountpoint = fields["mountpoint"]?.string
        if case .array(let items)? = fields["options"] { options = items.compactMap(\.string) }
        policy = fields["policy"]?.string
        rules = fields["rules"]?.uint64
        flags = fields["flags"]?.string
        handle = fields["handle"]?.uint64
        result = fields["result"]?.string
        offset = fields["offset"]?.uint64
        size = fields["size"]?.uint64
        bytes = fields["bytes"]?.uint64
        reads = fields["reads"]?.uint64
        op = fields["op"]?.string
        rule = fields["rule"]?.string
        errno = fields["errno"]?.string
        entries = fields["entries"]?.uint64
        waitedMicroseconds = fields["waited_us"]?.uint64
        blocked = fields["blocked"]?.uint64
        maxWaitMicroseconds = fields["max_us"]?.uint64
        torn = fields["torn"]?.string
        tornBytes = fields["torn_bytes"]?.uint64
        repeatCount = fields["repeat"]?.uint64
        firstRepeat = fields["first"]?.string.flatMap(AuditTime.init(rfc3339:))
        lastRepeat = fields["last"]?.string.flatMap(AuditTime.init(rfc3339:))
        name = fields["name"]?.string
        format = fields["format"]?.uint64
        if case .bool(let flag)? = fields["start"] { start = flag }
        previousHash = fields["prev_hash"]?.string
        file = fields["file"]?.string
        lastSeq = fields["last_seq"]?.uint64
        lastHash = fields["last_hash"]?.string
    }
}
