/// Turns entries into log lines: hand-written JSON with a fixed key order,
/// then the chain's `seq` and `hash` (see `AuditChain` for the recipe).
///
/// Hand-written on purpose: its bytes are the hash chain's contract (one
/// canonical form, so a line is checked without re-encoding it), and it
/// measured 4-5x faster than `JSONEncoder` (Benchmarks/Micro). Key names come
/// from `AuditKey`, event names from `AuditEventName`.
///
/// It appends into a caller-owned buffer that the writer reuses for every
/// batch, so encoding a line allocates nothing but SHA-256's context. Key order:
/// `time, event, path, pid, uid, gid, process?, container?, <event fields>, seq, hash`.
///
/// Public (with `AuditEntry`, `LineIdentity` and `CallerProcess`) only so that
/// Benchmarks/Micro can time it; the writer is its one user in gatefs.
public struct AuditLineEncoder {
    /// The last line's hash (64 hex bytes), or the genesis value.
    package private(set) var previousHash: [UInt8]
    /// The `seq` the next line gets.
    package private(set) var nextSeq: UInt64
    private var hashScratch: [UInt8] = []

    package init(previousHash: [UInt8] = AuditChain.genesis, lastSeq: UInt64 = 0) {
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
        buffer.append(UInt8(ascii: "{"))
        buffer.appendKey(.time, first: true)
        buffer.append(UInt8(ascii: "\""))
        entry.time.appendRFC3339(to: &buffer)
        buffer.append(UInt8(ascii: "\""))
        buffer.appendKey(.event)
        buffer.append(UInt8(ascii: "\""))
        buffer.appendText(Self.eventName(entry.kind).rawValue)
        buffer.append(UInt8(ascii: "\""))
        buffer.appendKey(.path)
        AuditPath.appendJSON(path, to: &buffer)
        buffer.appendKey(.pid)
        buffer.appendDecimal(Int64(identity.pid))
        buffer.appendKey(.uid)
        buffer.appendDecimal(UInt64(identity.uid))
        buffer.appendKey(.gid)
        buffer.appendDecimal(UInt64(identity.gid))
        if let name = identity.process.name {
            buffer.appendKey(.process)
            JSONText.appendString(name, to: &buffer)
        }
        if let container = identity.process.container {
            buffer.appendKey(.container)
            JSONText.appendString(container, to: &buffer)
        }
        Self.appendFields(entry.kind, to: &buffer)
        buffer.appendKey(.seq)
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
    package mutating func rollback() {
        swap(&previousHash, &hashScratch)
        nextSeq -= 1
    }

    static func eventName(_ kind: AuditEntry.Kind) -> AuditEventName {
        switch kind {
        case .event(.mount): .mount
        case .event(.unmount): .unmount
        case .event(.open): .open
        case .event(.read): .read
        case .event(.write): .write
        case .event(.close): .close
        case .event(.change(let change)): change.eventName
        case .event(.deny): .deny
        case .event(.readdir): .readdir
        case .event(.opendir): .opendir
        case .event(.xattr): .xattr
        case .backpressure: .backpressure
        case .recover: .recover
        case .header: .header
        case .rotated: .rotate
        case .repeated: .deny
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
            appendFields(info, to: &buffer)
        case .open(let mode, let handle, let errno):
            buffer.appendKey(.flags)
            buffer.append(UInt8(ascii: "\""))
            buffer.appendASCII(mode.logName)
            buffer.append(UInt8(ascii: "\""))
            buffer.appendKey(.handle)
            buffer.appendDecimal(handle)
            buffer.appendKey(.result)
            JSONText.appendString(errno == 0 ? "ok" : errnoName(errno), to: &buffer)
        case .read(let handle, let offset, let size, let bytes), .write(let handle, let offset, let size, let bytes):
            buffer.appendKey(.handle)
            buffer.appendDecimal(handle)
            buffer.appendKey(.offset)
            buffer.appendDecimal(offset)
            buffer.appendKey(.size)
            buffer.appendDecimal(UInt64(size))
            buffer.appendKey(.bytes)
            buffer.appendDecimal(bytes)
        case .close(let handle, let reads, let bytes, let written):
            appendClose(handle: handle, reads: reads, bytes: bytes, written: written, to: &buffer)
        case .change(let change):
            appendFields(change, to: &buffer)
        case .deny(let op, let rule, let errno):
            appendDeny(op: op, rule: rule, errno: errno, to: &buffer)
        case .readdir(let entries):
            buffer.appendKey(.entries)
            buffer.appendDecimal(Int64(entries))
        case .opendir(let handle, let errno):
            buffer.appendKey(.handle)
            buffer.appendDecimal(handle)
            buffer.appendKey(.result)
            JSONText.appendString(errno == 0 ? "ok" : errnoName(errno), to: &buffer)
        case .xattr(let name, let bytes):
            buffer.appendKey(.name)
            AuditPath.appendJSON(name, emptyIsRoot: false, to: &buffer)
            buffer.appendKey(.bytes)
            buffer.appendDecimal(Int64(bytes))
        }
    }

    private static func appendFields(_ info: MountInfo, to buffer: inout [UInt8]) {
        buffer.appendKey(.source)
        JSONText.appendString(info.source, to: &buffer)
        buffer.appendKey(.mountpoint)
        JSONText.appendString(info.mountpoint, to: &buffer)
        buffer.appendKey(.options)
        appendStrings(info.options, to: &buffer)
        buffer.appendKey(.policy)
        JSONText.appendString(info.policyDigest, to: &buffer)
        buffer.appendKey(.rules)
        buffer.appendDecimal(Int64(info.rules))
        if !info.write.isEmpty {
            buffer.appendKey(.write)
            appendStrings(info.write, to: &buffer)
        }
    }

    /// A JSON array of strings.
    private static func appendStrings(_ strings: [String], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "["))
        for (index, text) in strings.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            JSONText.appendString(text, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    private static func appendClose(
        handle: UInt64, reads: UInt64, bytes: UInt64, written: WriteTotals?, to buffer: inout [UInt8]
    ) {
        buffer.appendKey(.handle)
        buffer.appendDecimal(handle)
        buffer.appendKey(.reads)
        buffer.appendDecimal(reads)
        buffer.appendKey(.bytes)
        buffer.appendDecimal(bytes)
        if let written {
            buffer.appendKey(.writes)
            buffer.appendDecimal(written.writes)
            buffer.appendKey(.written)
            buffer.appendDecimal(written.bytes)
        }
    }

    private static func appendDeny(op: String, rule: String, errno: Int32, to buffer: inout [UInt8]) {
        buffer.appendKey(.op)
        JSONText.appendString(op, to: &buffer)
        buffer.appendKey(.rule)
        JSONText.appendString(rule, to: &buffer)
        buffer.appendKey(.errno)
        JSONText.appendString(errnoName(errno), to: &buffer)
    }

    /// Lines the writer makes itself.
    private static func appendWriterFields(_ kind: AuditEntry.Kind, to buffer: inout [UInt8]) {
        switch kind {
        case .event:
            break
        case .backpressure(let waited, let blocked, let longest):
            buffer.appendKey(.waitedMicroseconds)
            buffer.appendDecimal(waited)
            buffer.appendKey(.blocked)
            buffer.appendDecimal(blocked)
            buffer.appendKey(.maxWaitMicroseconds)
            buffer.appendDecimal(longest)
        case .recover(let torn, let tornBytes):
            buffer.appendKey(.torn)
            AuditPath.appendJSON(torn, to: &buffer)
            buffer.appendKey(.tornBytes)
            buffer.appendDecimal(Int64(tornBytes))
        case .header(let start, let previousHash):
            buffer.appendKey(.format)
            buffer.appendDecimal(Int64(AuditChain.format))
            buffer.appendKey(.start)
            buffer.appendASCII(start ? "true" : "false")
            buffer.appendKey(.previousHash)
            buffer.append(UInt8(ascii: "\""))
            buffer.append(contentsOf: previousHash)
            buffer.append(UInt8(ascii: "\""))
        case .rotated(let file, let lastSeq, let lastHash):
            buffer.appendKey(.file)
            JSONText.appendString(file, to: &buffer)
            if let lastSeq {
                buffer.appendKey(.lastSeq)
                buffer.appendDecimal(lastSeq)
            }
            if let lastHash {
                buffer.appendKey(.lastHash)
                buffer.append(UInt8(ascii: "\""))
                buffer.append(contentsOf: lastHash)
                buffer.append(UInt8(ascii: "\""))
            }
        case .repeated(let op, let rule, let errno, let count, let first, let last):
            appendDeny(op: op, rule: rule, errno: errno, to: &buffer)
            buffer.appendKey(.repeatCount)
            buffer.appendDecimal(count)
            buffer.appendKey(.firstRepeat)
            buffer.append(UInt8(ascii: "\""))
            first.appendRFC3339(to: &buffer)
            buffer.append(UInt8(ascii: "\""))
            buffer.appendKey(.lastRepeat)
            buffer.append(UInt8(ascii: "\""))
            last.appendRFC3339(to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
    }
}
