/// Finds where keys and values are in TOML source text.
///
/// TOMLKit parses and validates but does not say where a key or value came
/// from, and config errors must point at the line and column. This is a
/// small lenient scanner run only on text TOMLKit has already accepted: it
/// follows tables, `[[array]]` instances, dotted keys, inline tables and
/// arrays, and records a location per `DocumentPath`. On malformed input it
/// records less, never loops or traps.
///
/// It also decodes every string value itself: TOMLKit hands strings over as
/// C strings, which would silently cut `"a\u0000b"` to `"a"`.
struct TOMLLocator: Sendable {
    private(set) var items: [DocumentPath: LocatedItem] = [:]

    init(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        scanner.document()
        items = scanner.items
    }

    func key(_ path: DocumentPath) -> SourceLocation? { items[path]?.key }
    func value(_ path: DocumentPath) -> SourceLocation? { items[path]?.value }
    func string(_ path: DocumentPath) -> DecodedString? { items[path]?.string }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var column = 1
        var items: [DocumentPath: LocatedItem] = [:]
        /// Instances seen so far of each `[[array]]` table, by resolved path.
        var arrayTables: [DocumentPath: Int] = [:]
        var table: DocumentPath = []

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var location: SourceLocation { SourceLocation(line: line, column: column) }
        var atEnd: Bool { index >= bytes.count }
        func peek(_ offset: Int = 0) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        mutating func advance() {
            guard index < bytes.count else { return }
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if index >= bytes.count || bytes[index] & 0xC0 != 0x80 {
                // Count a character once, when its last byte is passed.
                column += 1
            }
        }

        // MARK: layout

        mutating func document() {
            while !atEnd {
                let start = index
                skipBlankLines()
                if atEnd { break }
                if peek() == UInt8(ascii: "[") {
                    header()
                } else {
                    keyValue(in: table)
                }
                skipToLineEnd()
                if index == start { advance() }
            }
        }

        mutating func skipSpaces() {
            while let b = peek(), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { advance() }
        }

        /// Whitespace, newlines and comments.
        mutating func skipBlankLines() {
            while let b = peek() {
                if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                    advance()
                } else if b == UInt8(ascii: "#") {
                    while let c = peek(), c != UInt8(ascii: "\n") { advance() }
                } else {
                    return
                }
            }
        }

        mutating func skipToLineEnd() {
            while let b = peek(), b != UInt8(ascii: "\n") { advance() }
        }

        mutating func record(_ path: DocumentPath, key: SourceLocation? = nil, value: SourceLocation? = nil) {
            var item = items[path] ?? LocatedItem()
            if item.key == nil { item.key = key }
            if item.value == nil { item.value = value }
            items[path] = item
        }

        // MARK: tables

        mutating func header() {
            let start = location
            advance()
            let isArray = peek() == UInt8(ascii: "[")
            if isArray { advance() }
            skipSpaces()
            let parts = dottedKey()
            var resolved: DocumentPath = []
            for (k, part) in parts.enumerated() {
                resolved.append(.key(part.name))
                if k == parts.count - 1 && isArray {
                    let n = arrayTables[resolved, default: 0]
                    arrayTables[resolved] = n + 1
                    record(resolved, key: part.location, value: start)
                    resolved.append(.index(n))
                    record(resolved, key: start, value: start)
                } else if let n = arrayTables[resolved] {
                    resolved.append(.index(n - 1))
                } else {
                    record(resolved, key: part.location, value: k == parts.count - 1 ? start : nil)
                }
            }
            table = resolved
        }

        // MARK: keys and values

        mutating func keyValue(in base: DocumentPath) {
            let parts = dottedKey()
            guard !parts.isEmpty else { return }
            var path = base
            for part in parts {
                path.append(.key(part.name))
                record(path, key: part.location)
            }
            skipSpaces()
            guard peek() == UInt8(ascii: "=") else { return }
            advance()
            skipSpaces()
            value(at: path)
        }

        mutating func dottedKey() -> [(name: String, location: SourceLocation)] {
            var parts: [(name: String, location: SourceLocation)] = []
            while let b = peek() {
                let at = location
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    parts.append((singleLineString().text, at))
                } else {
                    var name: [UInt8] = []
                    while let c = peek(), Self.isBareKey(c) {
                        name.append(c)
                        advance()
                    }
                    if name.isEmpty { break }
                    parts.append((String(decoding: name, as: UTF8.self), at))
                }
                skipSpaces()
                guard peek() == UInt8(ascii: ".") else { break }
                advance()
                skipSpaces()
            }
            return parts
        }

        static func isBareKey(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }

        mutating func value(at path: DocumentPath) {
            record(path, value: location)
            switch peek() {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let s = string()
                items[path]?.string = s
            case UInt8(ascii: "["):
                advance()
                var n = 0
                while !atEnd {
                    let start = index
                    skipBlankLines()
                    if peek() == UInt8(ascii: "]") {
                        advance()
                        return
                    }
                    value(at: path + [.index(n)])
                    n += 1
                    skipBlankLines()
                    if peek() == UInt8(ascii: ",") { advance() }
                    if index == start { advance() }
                }
            case UInt8(ascii: "{"):
                advance()
                while !atEnd {
                    let start = index
                    skipSpaces()
                    if peek() == UInt8(ascii: "}") {
                        advance()
                        return
                    }
                    keyValue(in: path)
                    skipSpaces()
                    if peek() == UInt8(ascii: ",") { advance() }
                    if index == start { advance() }
                }
            default:
                // Numbers, booleans, dates (which may hold a space).
                while let b = peek(), ![",", "]", "}", "#", "\n", "\r"].map(UInt8.init(ascii:)).contains(b) {
                    advance()
                }
            }
        }

        // MARK: strings

        mutating func string() -> DecodedString {
            let quote = peek()!
            if peek(1) == quote && peek(2) == quote {
                return multiLineString(quote)
            }
            return singleLineString()
        }

        mutating func singleLineString() -> DecodedString {
            let quote = peek()!
            advance()
            var out = DecodedString()
            while let b = peek(), b != quote, b != UInt8(ascii: "\n") {
                if quote == UInt8(ascii: "\"") && b == UInt8(ascii: "\\") {
                    escape(into: &out)
                } else {
                    character(into: &out)
                }
            }
            advance()  // the closing quote
            return out
        }

        mutating func multiLineString(_ quote: UInt8) -> DecodedString {
            for _ in 0..<3 { advance() }
            // A newline right after the opening delimiter is not content.
            if peek() == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") { advance() }
            if peek() == UInt8(ascii: "\n") { advance() }
            var out = DecodedString()
            while let b = peek() {
                if b == quote && peek(1) == quote && peek(2) == quote {
                    // Up to two quotes may sit just before the closing three.
                    var run = 0
                    while peek(run) == quote { run += 1 }
                    for _ in 0..<min(run - 3, 2) { character(into: &out) }
                    for _ in 0..<3 { advance() }
                    return out
                }
                if quote == UInt8(ascii: "\"") && b == UInt8(ascii: "\\") {
                    if lineEndingBackslash() { continue }
                    escape(into: &out)
                } else {
                    character(into: &out)
                }
            }
            return out
        }

        /// A `\` ending a line in a `"""` string swallows all whitespace and
        /// newlines after it. Returns whether it was one (and skipped it).
        mutating func lineEndingBackslash() -> Bool {
            var k = 1
            while let c = peek(k), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") { k += 1 }
            guard peek(k) == UInt8(ascii: "\n") else { return false }
            advance()
            while let c = peek(), [" ", "\t", "\r", "\n"].map(UInt8.init(ascii:)).contains(c) { advance() }
            return true
        }

        /// Copies one source character (all its bytes) into `out`.
        mutating func character(into out: inout DecodedString) {
            let at = location
            repeat {
                out.bytes.append(bytes[index])
                out.locations.append(at)
                advance()
            } while !atEnd && bytes[index] & 0xC0 == 0x80
        }

        mutating func escape(into out: inout DecodedString) {
            let at = location
            advance()  // the backslash
            guard let e = peek() else { return }
            advance()
            var scalar: Unicode.Scalar?
            switch e {
            case UInt8(ascii: "b"): scalar = "\u{08}"
            case UInt8(ascii: "t"): scalar = "\t"
            case UInt8(ascii: "n"): scalar = "\n"
            case UInt8(ascii: "f"): scalar = "\u{0C}"
            case UInt8(ascii: "r"): scalar = "\r"
            case UInt8(ascii: "e"): scalar = "\u{1B}"
            case UInt8(ascii: "\""): scalar = "\""
            case UInt8(ascii: "\\"): scalar = "\\"
            case UInt8(ascii: "x"): scalar = hexScalar(digits: 2)
            case UInt8(ascii: "u"): scalar = hexScalar(digits: 4)
            case UInt8(ascii: "U"): scalar = hexScalar(digits: 8)
            default: scalar = nil
            }
            guard let scalar else { return }
            for b in String(scalar).utf8 {
                out.bytes.append(b)
                out.locations.append(at)
            }
        }

        mutating func hexScalar(digits: Int) -> Unicode.Scalar? {
            var value: UInt32 = 0
            for _ in 0..<digits {
                guard let c = peek(), let d = Self.hexDigit(c) else { return nil }
                value = value << 4 | d
                advance()
            }
            return Unicode.Scalar(value)
        }

        static func hexDigit(_ c: UInt8) -> UInt32? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - UInt8(ascii: "A") + 10)
            default: nil
            }
        }
    }
}
