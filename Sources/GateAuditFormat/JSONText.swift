/// JSON string escaping for the hand-written encoder.
///
/// Output is canonical: the same input always gives the same bytes, which the
/// hash chain relies on. Beyond what RFC 8259 requires (`"`, `\`, U+0000–U+001F)
/// it also escapes DEL and U+2028/U+2029, so a line is safe to paste into a
/// terminal or a JavaScript source. Everything else passes as raw UTF-8.
package enum JSONText {
    /// Appends `text` as a complete JSON string, quotes included.
    package static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { appendEscapedUTF8($0, to: &buffer, doubleBackslash: false) }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Escapes well-formed UTF-8 into the body of a JSON string.
    /// With `doubleBackslash`, each `\` stands for two (the path scheme's `\\`).
    package static func appendEscapedUTF8<C: Collection>(_ bytes: C, to buffer: inout [UInt8], doubleBackslash: Bool)
    where C.Element == UInt8, C.Index == Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(byte)
            case UInt8(ascii: "\\"):
                buffer.appendASCII(doubleBackslash ? #"\\\\"# : #"\\"#)
            case 0x0A: buffer.appendASCII(#"\n"#)
            case 0x0D: buffer.appendASCII(#"\r"#)
            case 0x09: buffer.appendASCII(#"\t"#)
            case 0x08: buffer.appendASCII(#"\b"#)
            case 0x0C: buffer.appendASCII(#"\f"#)
            case 0x00..<0x20, 0x7F:
                buffer.appendASCII(#"\u00"#)
                buffer.appendHexByte(byte)
            case 0xE2 where index + 2 < bytes.endIndex && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                buffer.appendASCII(#"\u202"#)
                buffer.append(bytes[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                index += 2
            default:
                buffer.append(byte)
            }
            index += 1
        }
    }
}
