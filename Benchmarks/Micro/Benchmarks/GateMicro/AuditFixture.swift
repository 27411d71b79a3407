import Crypto
import Foundation
import GateAuditFormat

/// Audit lines to encode: `open` and `read` events as the writer gets them
/// from its queue, and the same lines as Codable structs for JSONEncoder.
///
/// The hand-written encoder (`AuditLineEncoder`, what the writer uses)
/// formats the time, escapes the path, appends the fields and the SHA-256
/// chain (`seq`, `hash`) into a reused buffer. The JSONEncoder variants
/// encode a struct with the same keys (in JSONEncoder's order): `encode` only, and
/// `chain`, which also chains it the same way (SHA-256 over the previous hash
/// and the line up to `seq`, hex, spliced in) into a complete line, with the
/// same fields, values and length as the hand-written encoder's; `init`
/// checks that.
struct AuditFixture: @unchecked Sendable {
    enum Event: String, CaseIterable {
        case open, read
    }

    static let batch = 1000
    static let caller = Caller(pid: 4242, uid: 1000, gid: 1000)
    static let process = CallerProcess(name: "cat", container: nil)
    static let path = Array("projects/demo/src/main.swift".utf8)
    /// 2026-11-23T09:01:02.483053Z; each line is 1 µs later.
    static let firstTime: Int64 = 1_795_424_462_483_053

    let event: Event
    let entries: [AuditEntry]
    let identity: LineIdentity
    let codable: [CodableLine]

    init(event: Event) {
        self.event = event
        identity = LineIdentity(Self.caller, process: Self.process)
        var entries: [AuditEntry] = []
        var codable: [CodableLine] = []
        for i in 0..<Self.batch {
            let time = AuditTime(microseconds: Self.firstTime + Int64(i))
            let kind: AuditEventKind
            var line = CodableLine(
                time: time.rfc3339, event: event.rawValue, path: String(decoding: Self.path, as: UTF8.self),
                pid: Self.caller.pid, uid: Self.caller.uid, gid: Self.caller.gid, process: "cat", seq: 0)
            switch event {
            case .open:
                kind = .open(mode: .read, handle: UInt64(i + 1), errno: 0)
                line.flags = "r"
                line.handle = UInt64(i + 1)
                line.result = "ok"
            case .read:
                kind = .read(handle: 1, offset: UInt64(i) * 131_072, size: 131_072, bytes: 131_072)
                line.handle = 1
                line.offset = UInt64(i) * 131_072
                line.size = 131_072
                line.bytes = 131_072
            }
            entries.append(AuditEntry(time: time, kind: .event(kind), path: Self.path, caller: Self.caller, process: Self.process))
            codable.append(line)
        }
        self.entries = entries
        self.codable = codable

        // Both encoders must give the same lines: the same keys and values and
        // the same length. (Not the same bytes: JSONEncoder on Linux does not
        // keep the key order, so its hashes differ.)
        var hand: [UInt8] = []
        var encoder = AuditLineEncoder()
        for entry in entries { encoder.append(entry, path: Self.path, identity: identity, to: &hand) }
        var viaJSON: [UInt8] = []
        var chain = JSONEncoderChain()
        for line in codable { chain.append(line, to: &viaJSON) }
        let handLines = hand.split(separator: UInt8(ascii: "\n"))
        let jsonLines = viaJSON.split(separator: UInt8(ascii: "\n"))
        precondition(handLines.count == Self.batch && jsonLines.count == Self.batch)
        for (a, b) in zip(handLines, jsonLines) {
            guard a.count == b.count, Self.fields(a) == Self.fields(b) else {
                fatalError("""
                    JSONEncoder line differs from AuditLineEncoder's:
                    \(String(decoding: a, as: UTF8.self))
                    \(String(decoding: b, as: UTF8.self))
                    """)
            }
        }
        Facts.record(["audit", event.rawValue, "\(Double(hand.count) / Double(Self.batch))", "\(Double(viaJSON.count) / Double(Self.batch))"])
    }

    /// A line's fields but `hash`, for comparing lines.
    static func fields(_ line: ArraySlice<UInt8>) -> NSDictionary {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            fatalError("not a JSON object: \(String(decoding: line, as: UTF8.self))")
        }
        return NSDictionary(dictionary: object.filter { $0.key != "hash" })
    }

    /// The time is the RFC 3339 text: a Codable struct would hold it that way
    /// (or as a Date, which JSONEncoder formats more slowly still).
    struct CodableLine: Encodable {
        var time: String
        var event: String
        var path: String
        var pid: Int32
        var uid: UInt32
        var gid: UInt32
        var process: String?
        var flags: String?
        var handle: UInt64?
        var result: String?
        var offset: UInt64?
        var size: UInt64?
        var bytes: UInt64?
        var seq: UInt64
    }
}

/// JSONEncoder, then the same hash chain as `AuditChain`.
struct JSONEncoderChain {
    let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
    var previousHash: [UInt8] = Array(repeating: UInt8(ascii: "0"), count: 64)
    var seq: UInt64 = 0
    static let hashKey = Array(#","hash":""#.utf8)
    static let hex = Array("0123456789abcdef".utf8)
    static let tail = Array("\"}\n".utf8)

    mutating func append(_ line: AuditFixture.CodableLine, to buffer: inout [UInt8]) {
        seq += 1
        var line = line
        line.seq = seq
        let data: Data
        do {
            data = try encoder.encode(line)
        } catch {
            fatalError("JSONEncoder: \(error)")
        }
        let start = buffer.count
        buffer.append(contentsOf: data.dropLast())  // without the closing brace
        var hasher = SHA256()
        hasher.update(data: previousHash)
        buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[start...])) }
        var hash: [UInt8] = []
        hash.reserveCapacity(64)
        for byte in hasher.finalize() {
            hash.append(Self.hex[Int(byte >> 4)])
            hash.append(Self.hex[Int(byte & 0xF)])
        }
        buffer.append(contentsOf: Self.hashKey)
        buffer.append(contentsOf: hash)
        buffer.append(contentsOf: Self.tail)
        previousHash = hash
    }
}
