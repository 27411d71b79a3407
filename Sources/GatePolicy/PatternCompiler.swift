/// Turns pattern text into segment matchers, or a `PatternError` with the
/// byte column at fault. The syntax is documented on `Pattern`.
struct PatternCompiler {
    private let text: String
    private let bytes: [UInt8]
    private var i = 0

    private init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    /// Normalised segments: no empty segments, no two `**` in a row, and no
    /// trailing `**` (it adds nothing, since a match covers what is beneath).
    /// `**` alone therefore compiles to no segments: it matches the root.
    static func compile(_ text: String) throws(PatternError) -> [SegmentMatcher] {
        var compiler = PatternCompiler(text)
        return try compiler.run()
    }

    private func fail(_ message: String, at index: Int) -> PatternError {
        PatternError(pattern: text, message: message, column: index + 1)
    }

    private mutating func run() throws(PatternError) -> [SegmentMatcher] {
        var segments: [SegmentMatcher] = []
        var sawSegment = false
        while i <= bytes.count {
            if let segment = try segment() {
                sawSegment = true
                if !(segment == .globstar && segments.last == .globstar) {
                    segments.append(segment)
                }
            }
            i += 1  // the '/' (or one past the end)
        }
        guard sawSegment else {
            throw fail(bytes.isEmpty ? "empty pattern" : "pattern has no segments, only '/'", at: 0)
        }
        while segments.last == .globstar { segments.removeLast() }
        return segments
    }

    /// Parses from `i` up to the next unescaped '/' or the end; nil for an
    /// empty segment (from a leading, trailing or doubled '/').
    private mutating func segment() throws(PatternError) -> SegmentMatcher? {
        let start = i
        var tokens: [GlobToken] = []
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty {
                tokens.append(.literal(literal))
                literal.removeAll()
            }
        }
        while i < bytes.count, bytes[i] != UInt8(ascii: "/") {
            switch bytes[i] {
            case 0:
                throw fail("a pattern cannot contain a NUL byte", at: i)
            case UInt8(ascii: "\\"):
                literal += try escaped()
            case UInt8(ascii: "*"):
                var end = i
                while end < bytes.count, bytes[end] == UInt8(ascii: "*") { end += 1 }
                if end - i == 1 {
                    flush()
                    tokens.append(.star)
                    i = end
                } else if end - i == 2, i == start, end == bytes.count || bytes[end] == UInt8(ascii: "/") {
                    i = end
                    return .globstar
                } else {
                    throw fail("'**' must be a whole path segment", at: i)
                }
            case UInt8(ascii: "?"):
                flush()
                tokens.append(.one)
                i += 1
            case UInt8(ascii: "["):
                flush()
                tokens.append(.characterClass(try characterClass()))
            default:
                let n = scalarLength(at: i)
                literal += bytes[i..<i + n]
                i += n
            }
        }
        flush()
        if tokens.isEmpty { return nil }
        if tokens == [.literal([UInt8(ascii: ".")])] || tokens == [.literal([UInt8(ascii: "."), UInt8(ascii: ".")])] {
            throw fail("'.' and '..' segments are not allowed", at: start)
        }
        return SegmentMatcher.make(tokens)
    }

    /// The character after a `\` at `i`, as literal bytes; advances past it.
    private mutating func escaped() throws(PatternError) -> ArraySlice<UInt8> {
        let next = i + 1
        guard next < bytes.count else { throw fail("trailing '\\' escapes nothing", at: i) }
        if bytes[next] == UInt8(ascii: "/") {
            throw fail("'/' cannot be escaped: a file name never contains '/'", at: i)
        }
        if bytes[next] == 0 { throw fail("a pattern cannot contain a NUL byte", at: next) }
        let n = scalarLength(at: next)
        i = next + n
        return bytes[next..<next + n]
    }

    /// Parses `[...]` starting at `i` (the '['); advances past the ']'.
    private mutating func characterClass() throws(PatternError) -> CharacterClass {
        let open = i
        i += 1
        var negated = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "!") || bytes[i] == UInt8(ascii: "^") {
            negated = true
            i += 1
        }
        let bodyStart = i
        var ranges: [ClosedRange<UInt32>] = []
        while true {
            // A class never spans a '/', so running into one means the '['
            // was never closed within its segment.
            guard i < bytes.count, bytes[i] != UInt8(ascii: "/") else {
                if i == bodyStart + 1, bytes[bodyStart] == UInt8(ascii: "]") {
                    throw fail("empty character class '[]' (a ']' right after '[' is literal, so nothing closes it)", at: open)
                }
                throw fail("unclosed '['", at: open)
            }
            if bytes[i] == UInt8(ascii: "]"), i != bodyStart {
                i += 1
                break
            }
            let lowAt = i
            let low = try classCharacter()
            if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "-"), bytes[i + 1] != UInt8(ascii: "]") {
                i += 1
                guard i < bytes.count, bytes[i] != UInt8(ascii: "/") else { throw fail("unclosed '['", at: open) }
                let high = try classCharacter()
                guard low <= high else {
                    throw fail("character class range is backwards", at: lowAt)
                }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        return CharacterClass(negated: negated, ranges: ranges)
    }

    /// One (possibly escaped) character inside a class, as a scalar value.
    private mutating func classCharacter() throws(PatternError) -> UInt32 {
        if bytes[i] == 0 { throw fail("a pattern cannot contain a NUL byte", at: i) }
        let slice = bytes[i] == UInt8(ascii: "\\") ? try escaped() : advance()
        var iterator = slice.makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let s) = decoder.decode(&iterator) { return s.value }
        return NameCharacter.invalidBase  // unreachable: `text` is a valid String
    }

    private mutating func advance() -> ArraySlice<UInt8> {
        let n = scalarLength(at: i)
        defer { i += n }
        return bytes[i..<i + n]
    }

    /// Length of the scalar starting at `index`; `bytes` is valid UTF-8.
    private func scalarLength(at index: Int) -> Int {
        let b = bytes[index]
        switch b {
        case 0xF0...: return min(4, bytes.count - index)
        case 0xE0...: return min(3, bytes.count - index)
        case 0xC0...: return min(2, bytes.count - index)
        default: return 1
        }
    }
}
