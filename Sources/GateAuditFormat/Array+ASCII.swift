/// Number and text appenders for the writer's reused byte buffer.
///
/// They exist so the writer thread never builds a `String` per field: each
/// appends ASCII straight into the buffer that becomes one `write(2)`.
extension Array where Element == UInt8 {
    /// Zero-padded to at least `width` digits; `value` must be non-negative.
    package mutating func appendDigits(_ value: Int64, width: Int) {
        appendDecimal(UInt64(value), width: width)
    }

    /// `value` in decimal, zero-padded to at least `width` digits.
    package mutating func appendDecimal(_ value: UInt64, width: Int = 1) {
        var scale: UInt64 = 1
        var digits = 1
        while digits < width || scale <= value / 10 {
            scale *= 10
            digits += 1
        }
        var rest = value
        while scale > 0 {
            append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / scale))
            rest %= scale
            scale /= 10
        }
    }

    package mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(value.magnitude)
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// Appends a literal; `StaticString` keeps the bytes in the binary, no allocation.
    package mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// `,"key":`, the key's name from `AuditKey`; `first` leaves out the comma.
    mutating func appendKey(_ key: AuditKey, first: Bool = false) {
        if !first { append(UInt8(ascii: ",")) }
        append(UInt8(ascii: "\""))
        appendText(key.rawValue)
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
    }

    /// Appends text that needs no JSON escaping (names from `AuditKey` and
    /// `AuditEventName`): their literals are contiguous UTF-8, so no copy.
    mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    package mutating func appendHexByte(_ byte: UInt8) {
        append(Self.hexDigits[Int(byte >> 4)])
        append(Self.hexDigits[Int(byte & 0xF)])
    }
}
