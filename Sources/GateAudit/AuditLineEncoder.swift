/// Turns entries into log lines: hand-written JSON with a fixed key order,
/// then the chain's `seq` and `hash` (see `AuditChain` for the recipe).
///
/// It appends into a caller-owned buffer that the writer reuses for every
/// batch, so encoding a line allocates nothing but SHA-256's context. Key order:
/// `time, event, path, pid, uid, gid, process?, container?, <event fields>, seq, hash`.
///
/// Public (with `AuditEntry`, `LineIdentity` and `CallerProcess`) only so that
/// Benchmarks/Micro can time it; the writer is its one user in gatefs.
public struct AuditLineEncoder {
    /// The last line's hash (64 hex bytes), or the genesis value.
    private(set) var previousHash: [UInt8]
    /// The `seq` the next line gets.
    private(set) var nextSeq: UInt64
    private var hashScratch: [UInt8] = []

    init(previousHash: [UInt8] = AuditChain.genesis, lastSeq: UInt64 = 0) {
        self.previousHash = previousHash
        self.nextSeq = lastSeq + 1
        hashScratch.reserveCapacity(64)
    }

    /// A new chain: genesis hash, first line `seq` 1.
    public init() {
        self.init(previousHash: AuditChain.genesis, lastSeq: 0)
    }

    /// Appends one complete line, newline included, and advances the chain.
    public mutating func append(_ entry: AuditEntry, path: [UInt8], identity: LineIdentity, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.appendASCII(#"{"time":""#)
        entry.time.appendRFC3339(to: &buffer)
        buffer.appendASCII(#"","event":""#)
        buffer.appendASCII(Self.eventName(entry.kind))
        buffer.appendASCII(#"","path":"#)
        AuditPath.appendJSON(path, to: &buffer)
        buffer.appendASCII(#","pid":"#)
        buffer.appendDecimal(Int64(identity.pid))
        buffer.appendASCII(#","uid":"#)
        buffer.appendDecimal(UInt64(identity.uid))
        buffer.appendASCII(#","gid":"#)
        buffer.appendDecimal(UInt64(identity.gid))
        if let name = identity.process.name {
            buffer.appendASCII(#","process":"#)
            JSONText.appendString(name, to: &buffer)
        }
        if let container = identity.process.container {
            buffer.appendASCII(#","container":"#)
            JSONText.appendString(container, to: &buffer)
        }
        Self.appendFields(entry.kind, to: &buffer)
        buffer.appendASCII(#","seq":"#)
        buffer.appendDecimal(nextSeq)

        buffer.withUnsafeBytes { raw in
            AuditChain.hash(previous: previousHash, body: UnsafeRawBufferPointer(rebasing: raw[start...]), into: &hashScratch)
        }
        buffer.append(contentsOf: AuditChain.hashKey)
        buffer.append(contentsOf: hashScratch)
        buffer.appendASCII("\"}\n")
        swap(&previousHash, &hashScratch)
        nextSeq += 1
    }

    /// Takes back the line `append` just added (the caller removes its bytes):
    /// the chain is where it was before. Valid only right after `append`,
    /// whose scratch still holds the previous hash.
    mutating func rollback() {
        swap(&previousHash, &hashScratch)
        nextSeq -= 1
    }

    static func eventName(_ kind: AuditEntry.Kind) -> StaticString {
        switch kind {
        case .event(.mount): "mount"
        case .event(.unmount): "unmount"
        case .event(.open): "open"
        case .event(.read): "read"
        case .event(.close): "close"
        case .event(.deny): "deny"
        case .event(.readdir): "readdir"
        case .event(.opendir): "opendir"
        case .event(.xattr): "xattr"
        case .backpressure: "backpressure"
        case .recover: "recover"
        case .header: "header"
        case .rotated: "rotate"
        case .repeated: "deny"
        }
    }

    private static func appendFields(_ kind: AuditEntry.Kind, to buffer: inout [UInt8]) {
        switch kind {
        case .event(let event): appendFields(event, to: &buffer)
        default: appendWriterFields(kind, to: &buffer)
        }
    }

    private static func appendFields(_ kind: AuditEventKind, to buffer: inout [UInt8]) {
        switch kind {
        case .mount(let info), .unmount(let info):
            buffer.appendASCII(#","source":"#)
            JSONText.appendString(info.source, to: &buffer)
            buffer.appendASCII(#","mountpoint":"#)
            JSONText.appendString(info.mountpoint, to: &buffer)
            buffer.appendASCII(#","options":["#)
            for (index, option) in info.options.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                JSONText.appendString(option, to: &buffer)
            }
            buffer.appendASCII(#"],"policy":"#)
            JSONText.appendString(info.policyDigest, to: &buffer)
            buffer.appendASCII(#","rules":"#)
            buffer.appendDecimal(Int64(info.rules))
        case .open(let mode, let handle, let errno):
            buffer.appendASCII(#","flags":""#)
            buffer.appendASCII(mode.logName)
            buffer.appendASCII(#"","handle":"#)
            buffer.appendDecimal(handle)
            buffer.appendASCII(#","result":"#)
            JSONText.appendString(errno == 0 ? "ok" : errnoName(errno), to: &buffer)
        case .read(let handle, let offset, let size, let bytes):
            buffer.appendASCII(#","handle":"#)
            buffer.appendDecimal(handle)
            buffer.appendASCII(#","offset":"#)
            buffer.appendDecimal(offset)
            buffer.appendASCII(#","size":"#)
            buffer.appendDecimal(UInt64(size))
            buffer.appendASCII(#","bytes":"#)
            buffer.appendDecimal(bytes)
        case .close(let handle, let reads, let bytes):
            buffer.appendASCII(#","handle":"#)
            buffer.appendDecimal(handle)
            buffer.appendASCII(#","reads":"#)
            buffer.appendDecimal(reads)
            buffer.appendASCII(#","bytes":"#)
            buffer.appendDecimal(bytes)
        case .deny(let op, let rule, let errno):
            appendDeny(op: op, rule: rule, errno: errno, to: &buffer)
        case .readdir(let entries):
            buffer.appendASCII(#","entries":"#)
            buffer.appendDecimal(Int64(entries))
        case .opendir(let handle, let errno):
            buffer.appendASCII(#","handle":"#)
            buffer.appendDecimal(handle)
            buffer.appendASCII(#","result":"#)
            JSONText.appendString(errno == 0 ? "ok" : errnoName(errno), to: &buffer)
        case .xattr(let name, let bytes):
            buffer.appendASCII(#","name":"#)
            AuditPath.appendJSON(name, emptyIsRoot: false, to: &buffer)
            buffer.appendASCII(#","bytes":"#)
            buffer.appendDecimal(Int64(bytes))
        }
    }

    private static func appendDeny(op: String, rule: String, errno: Int32, to buffer: inout [UInt8]) {
        buffer.appendASCII(#","op":"#)
        JSONText.appendString(op, to: &buffer)
        buffer.appendASCII(#","rule":"#)
        JSONText.appendString(rule, to: &buffer)
        buffer.appendASCII(#","errno":"#)
        JSONText.appendString(errnoName(errno), to: &buffer)
    }

    /// Lines the writer makes itself.
    private static func appendWriterFields(_ kind: AuditEntry.Kind, to buffer: inout [UInt8]) {
        switch kind {
        case .event:
            break
        case .backpressure(let waited, let blocked, let longest):
            buffer.appendASCII(#","waited_us":"#)
            buffer.appendDecimal(waited)
            buffer.appendASCII(#","blocked":"#)
            buffer.appendDecimal(blocked)
            buffer.appendASCII(#","max_us":"#)
            buffer.appendDecimal(longest)
        case .recover(let torn, let tornBytes):
            buffer.appendASCII(#","torn":"#)
            AuditPath.appendJSON(torn, to: &buffer)
            buffer.appendASCII(#","torn_bytes":"#)
            buffer.appendDecimal(Int64(tornBytes))
        case .header(let start, let previousHash):
            buffer.appendASCII(#","format":"#)
            buffer.appendDecimal(Int64(AuditChain.format))
            buffer.appendASCII(start ? #","start":true"# : #","start":false"#)
            buffer.appendASCII(#","prev_hash":""#)
            buffer.append(contentsOf: previousHash)
            buffer.append(UInt8(ascii: "\""))
        case .rotated(let file, let lastSeq, let lastHash):
            buffer.appendASCII(#","file":"#)
            JSONText.appendString(file, to: &buffer)
            if let lastSeq {
                buffer.appendASCII(#","last_seq":"#)
                buffer.appendDecimal(lastSeq)
            }
            if let lastHash {
                buffer.appendASCII(#","last_hash":""#)
                buffer.append(contentsOf: lastHash)
                buffer.append(UInt8(ascii: "\""))
            }
        case .repeated(let op, let rule, let errno, let count, let first, let last):
            appendDeny(op: op, rule: rule, errno: errno, to: &buffer)
            buffer.appendASCII(#","repeat":"#)
            buffer.appendDecimal(count)
            buffer.appendASCII(#","first":""#)
            first.appendRFC3339(to: &buffer)
            buffer.appendASCII(#"","last":""#)
            last.appendRFC3339(to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
    }
}
