#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GateAuditFormat

/// One parsed log line, typed, with the original bytes kept for pass-through
/// (`gatefs log --json`) and for the chain check.
///
/// Decoded with `JSONDecoder`; its keys are `AuditKey`, the names the
/// encoder writes, so each property is named after its key's case. Fields
/// that belong to other events are nil. Unknown keys are ignored, so a newer
/// writer's extra fields do not break an older reader; a known key with a
/// value of the wrong type makes the line unparsable.
public struct AuditRecord: Decodable, Sendable, Equatable, CustomStringConvertible {
    public typealias CodingKeys = AuditKey

    /// The line exactly as stored, without its newline (not a key: `init(line:)` sets it).
    public var raw: [UInt8] = []

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
    /// The patterns that grant write; nil on a read-only view's line.
    public var write: [String]?
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
    // xattr, setxattr, removexattr
    /// The attribute name, escaped like `path`.
    public var name: String?
    // close of a handle open for writing
    public var writes: UInt64?
    public var written: UInt64?
    // create, mkdir, mknod, setattr, fallocate
    /// Octal permission bits as text ("0644"); fallocate's is its mode number.
    public var mode: String?
    /// mknod's "fifo", "socket" or "file".
    public var nodeKind: String?
    // rename, link, symlink (escaped like `path`)
    public var from: String?
    public var to: String?
    public var target: String?
    // setattr: RFC 3339 or "now"; the owner set
    public var atime: String?
    public var mtime: String?
    public var ownerUID: UInt32?
    public var ownerGID: UInt32?
    // fallocate
    public var length: UInt64?
    // header
    public var format: UInt64?
    public var start: Bool?
    public var previousHash: String?
    // rotate
    public var file: String?
    public var lastSeq: UInt64?
    public var lastHash: String?

    /// One decoder for every line: it holds no per-line state.
    private static let decoder = JSONDecoder()

    /// Parses one line (without its newline).
    public init<C: Collection>(line: C) throws(ParseError) where C.Element == UInt8 {
        let bytes = Array(line)
        do {
            self = try Self.decoder.decode(AuditRecord.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ParseError(error)
        } catch {
            throw ParseError(message: "not JSON")
        }
        raw = bytes
    }

    /// The line as text (the log is UTF-8 JSON).
    public var description: String {
        String(decoding: raw, as: UTF8.self)
    }

    /// The event, when it is one this reader knows.
    public var kind: AuditEventName? {
        AuditEventName(rawValue: event)
    }

    /// The path's original bytes, or the text's UTF-8 if the escaping is malformed.
    public var pathBytes: [UInt8] {
        AuditPath.unescape(path) ?? Array(path.utf8)
    }

    /// Whether this line is a policy denial or an open the system refused for
    /// permission reasons (`--denied`).
    public var isDenial: Bool {
        switch kind {
        case .deny: true
        case .open, .opendir: result == "EACCES" || result == "EPERM"
        default: false
        }
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

        init(message: String) {
            self.message = message
        }

        /// What the decoder found, in the words the verifier reports.
        init(_ error: DecodingError) {
            switch error {
            case .keyNotFound(let key, _):
                message = "missing \"\(key.stringValue)\""
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                message = context.codingPath.first.map { "\"\($0.stringValue)\" has the wrong type" } ?? "not a JSON object"
            case .dataCorrupted(let context):
                message = context.codingPath.first.map { "\"\($0.stringValue)\" \(context.debugDescription)" } ?? "not JSON"
            @unknown default:
                message = "\(error)"
            }
        }
    }
}
