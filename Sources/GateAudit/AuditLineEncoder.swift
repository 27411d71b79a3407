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

    static func eventName(_ kind: AuditEntry.Kind) -> StaticString {
        switch kind {
        case .event(.mount): "mount"
        case .event(.unmount): "unmount"
        case .event(.open): "open"
        case .event(.read): "read"
        case .event(.close): "close"
        case .event(.deny): "deny"
        case .event(.readdir): "readdir"
        case .backpressure: "backpressure"
        case .recover: "recover"
        }
    }

    private static func appendFields(_ kind: AuditEntry.Kind, to buffer: inout [UInt8]) {
        switch kind {
        case .event(.mount(let info)), .event(.unmount(let info)):
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
        case .event(.open(let mode, let handle, let errno)):
            buffer.appendASCII(#","flags":""#)
            buffer.appendASCII(mode.logName)
            buffer.appendASCII(#"","handle":"#)
            buffer.appendDecimal(handle)
            buffer.appendASCII(#","result":"#)
            JSONText.appendString(errno == 0 ? "ok" : errnoName(errno), to: &buffer)
        case .event(.read(let handle, let offset, let size, let bytes)):
            buffer.appendASCII(#","handle":"#)
            buffer.appendDecimal(handle)
            buffer.appendASCII(#","offset":"#)
            buffer.appendDecimal(offset)
            buffer.appendASCII(#","size":"#)
            buffer.appendDecimal(UInt64(size))
            buffer.appendASCII(#","bytes":"#)
            buffer.appendDecimal(bytes)
        case .event(.close(let handle, let reads, let bytes)):
            buffer.appendASCII(#","handle":"#)
            buffer.appendDecimal(handle)
            buffer.appendASCII(#","reads":"#)
            buffer.appendDecimal(reads)
            buffer.appendASCII(#","bytes":"#)
            buffer.appendDecimal(bytes)
        case .event(.deny(let op, let rule, let errno)):
            buffer.appendASCII(#","op":"#)
            JSONText.appendString(op, to: &buffer)
            buffer.appendASCII(#","rule":"#)
            JSONText.appendString(rule, to: &buffer)
            buffer.appendASCII(#","errno":"#)
            JSONText.appendString(errnoName(errno), to: &buffer)
        case .event(.readdir(let entries)):
            buffer.appendASCII(#","entries":"#)
            buffer.appendDecimal(Int64(entries))
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
        }
    }
}
