/// The reversible text form of a path's bytes, as the log's `path` field holds it.
///
/// Linux names are bytes, JSON strings are Unicode. The scheme:
/// - every well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
///   nothing above U+10FFFF) stands for itself, except a backslash;
/// - a backslash `\` is written as two backslashes `\\`;
/// - every byte that is not part of a well-formed sequence is written as
///   `\xNN` (two lowercase hex digits), one escape per byte.
///
/// So a `\` in the text always starts an escape and `unescape` is exact:
/// `unescape(escape(b)) == b` for every byte string. The JSON layer then
/// escapes that text as usual, so the raw line shows `\\\\` for one backslash
/// and `\\xff` for a 0xFF byte; `jq -r .path` prints `\\` and `\xff`.
public enum AuditPath {
    /// The escaped text of `bytes`; the empty path (the root) is `.`.
    public static func escape(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        if bytes.isEmpty {
            out.append(UInt8(ascii: "."))
        }
        forEachSegment(bytes) { segment in
            switch segment {
            case .valid(let range):
                for byte in bytes[range] {
                    if byte == UInt8(ascii: "\\") { out.append(byte) }
                    out.append(byte)
                }
            case .invalid(let byte):
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "x"))
                out.appendHexByte(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` stands for, or nil when it holds a malformed escape
    /// (a `\` followed by anything but `\` or `xNN`).
    public static func unescape(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        let utf8 = Array(text.utf8)
        out.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < utf8.count else { return nil }
            if utf8[index + 1] == UInt8(ascii: "\\") {
                out.append(byte)
                index += 2
            } else if utf8[index + 1] == UInt8(ascii: "x"), index + 3 < utf8.count,
                let high = hexValue(utf8[index + 2]), let low = hexValue(utf8[index + 3])
            {
                out.append(high << 4 | low)
                index += 4
            } else {
                return nil
            }
        }
        return out
    }

    /// Appends `bytes` as a complete JSON string (quotes included) holding their
    /// escaped text, in one pass and without intermediate allocation. Empty
    /// bytes are the root, `.`, unless `emptyIsRoot` is false (a name, not a path).
    package static func appendJSON(_ bytes: [UInt8], emptyIsRoot: Bool = true, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        if bytes.isEmpty && emptyIsRoot {
            buffer.append(UInt8(ascii: "."))
        }
        forEachSegment(bytes) { segment in
            switch segment {
            case .valid(let range):
                JSONText.appendEscapedUTF8(bytes[range], to: &buffer, doubleBackslash: true)
            case .invalid(let byte):
                // Text `\xNN`; JSON needs the backslash escaped.
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "x"))
                buffer.appendHexByte(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    enum Segment {
        case valid(Range<Int>)
        case invalid(UInt8)
    }

    /// Splits `bytes` into maximal runs of well-formed UTF-8 and single bad bytes.
    static func forEachSegment(_ bytes: [UInt8], _ body: (Segment) -> Void) {
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let length = wellFormedLength(bytes, at: index)
            if length > 0 {
                index += length
                continue
            }
            if runStart < index { body(.valid(runStart..<index)) }
            body(.invalid(bytes[index]))
            index += 1
            runStart = index
        }
        if runStart < index { body(.valid(runStart..<index)) }
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or 0.
    static func wellFormedLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < bytes.count && range.contains(bytes[index + offset])
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
