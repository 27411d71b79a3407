/// Splits a file name into characters the way `?` and `[...]` count them.
///
/// File names on Linux are bytes, not text. A well-formed UTF-8 sequence is
/// one character (its scalar value); any byte that does not start one is a
/// character by itself, so `?` still advances and a name never fails to
/// decode. Invalid bytes get values above the Unicode range, so no class
/// range contains them but a negated class does.
enum NameCharacter {
    /// Value of an invalid byte `b`: `invalidBase + b`.
    static let invalidBase: UInt32 = 0x11_0000

    /// The character starting at `i`: its value and its length in bytes.
    @inline(__always)
    static func decode(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> (value: UInt32, length: Int) {
        let b0 = s[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        let n = s.count - i
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard k < n else { return nil }
            let b = s[i + k]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            if let c1 = cont(1) { return ((UInt32(b0) & 0x1F) << 6 | c1, 2) }
        case 0xE0...0xEF:
            if let c1 = cont(1), let c2 = cont(2) {
                let v = (UInt32(b0) & 0x0F) << 12 | c1 << 6 | c2
                // Reject overlong forms and UTF-16 surrogates.
                if v >= 0x800 && !(0xD800...0xDFFF).contains(v) { return (v, 3) }
            }
        case 0xF0...0xF4:
            if let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
                let v = (UInt32(b0) & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
                if (0x1_0000...0x10_FFFF).contains(v) { return (v, 4) }
            }
        default:
            break
        }
        return (invalidBase + UInt32(b0), 1)
    }

    /// Length of the character starting at `i`.
    @inline(__always)
    static func length(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        s[i] < 0x80 ? 1 : decode(s, at: i).length
    }
}
