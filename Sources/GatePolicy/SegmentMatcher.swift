/// A compiled pattern segment: what one path component must look like.
///
/// Common glob shapes get their own cases (`*.pem` is `.suffix`, `.env.*` is
/// `.prefix`) so the built-in secret list, tested on every step, costs a
/// couple of byte comparisons per entry instead of a general glob match.
enum SegmentMatcher: Sendable, Hashable {
    /// The exact name (escapes resolved).
    case literal([UInt8])
    /// `*`: any name.
    case anyName
    /// `lit*`; also a `HiddenPath` with `prefixMatch`.
    case prefix([UInt8])
    /// `*lit`.
    case suffix([UInt8])
    /// `lit*lit`.
    case prefixSuffix([UInt8], [UInt8])
    /// Anything else within one segment.
    case glob([GlobToken])
    /// `**`: zero or more whole segments. Handled by the automaton, never
    /// asked to match a name.
    case globstar

    /// The cheapest matcher equivalent to `tokens` (adjacent literals merged).
    static func make(_ tokens: [GlobToken]) -> SegmentMatcher {
        switch (tokens.count, tokens.first, tokens.dropFirst().first, tokens.last) {
        case (1, .literal(let l)?, _, _): .literal(l)
        case (1, .star?, _, _): .anyName
        case (2, .literal(let l)?, .star?, _): .prefix(l)
        case (2, .star?, .literal(let l)?, _): .suffix(l)
        case (3, .literal(let a)?, .star?, .literal(let b)?): .prefixSuffix(a, b)
        default: .glob(tokens)
        }
    }

    /// The same matcher with the literal bytes `A`–`Z` lowered, for a rule
    /// matched against lowered names (`BuiltinMatching`). Classes are kept.
    func asciiLowercased() -> SegmentMatcher {
        let lower = BuiltinMatching.lowercased
        switch self {
        case .literal(let l): return .literal(lower(l))
        case .prefix(let l): return .prefix(lower(l))
        case .suffix(let l): return .suffix(lower(l))
        case .prefixSuffix(let a, let b): return .prefixSuffix(lower(a), lower(b))
        case .glob(let tokens):
            return .glob(tokens.map { token in
                if case .literal(let l) = token { return .literal(lower(l)) }
                return token
            })
        case .anyName, .globstar: return self
        }
    }

    func matches(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        // Byte-wise prefix and suffix tests agree with character-wise `*`:
        // a literal taken from valid UTF-8 never starts with a continuation
        // byte, so it can only be found at a character boundary.
        switch self {
        case .literal(let l):
            return name.count == l.count && Self.hasBytes(name, at: 0, l)
        case .anyName:
            return true
        case .prefix(let l):
            return name.count >= l.count && Self.hasBytes(name, at: 0, l)
        case .suffix(let l):
            return name.count >= l.count && Self.hasBytes(name, at: name.count - l.count, l)
        case .prefixSuffix(let a, let b):
            return name.count >= a.count + b.count && Self.hasBytes(name, at: 0, a)
                && Self.hasBytes(name, at: name.count - b.count, b)
        case .glob(let tokens):
            return Self.globMatch(tokens, name)
        case .globstar:
            return true
        }
    }

    @inline(__always)
    static func hasBytes(_ name: UnsafeBufferPointer<UInt8>, at offset: Int, _ l: [UInt8]) -> Bool {
        guard offset >= 0, offset + l.count <= name.count else { return false }
        return l.withUnsafeBufferPointer { lp in
            for k in 0..<lp.count where name[offset + k] != lp[k] { return false }
            return true
        }
    }

    /// Glob match with backtracking to the last `*` only. That suffices
    /// because every other token matches a fixed, deterministic width, so an
    /// earlier `*` never needs to give back what a later one can absorb.
    /// `*` advances a character at a time so `?` and classes stay aligned.
    static func globMatch(_ tokens: [GlobToken], _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        var t = 0
        var n = 0
        var starToken = -1
        var starName = 0
        while n < name.count {
            if t < tokens.count {
                switch tokens[t] {
                case .literal(let l):
                    if hasBytes(name, at: n, l) {
                        n += l.count
                        t += 1
                        continue
                    }
                case .one:
                    n += NameCharacter.length(name, at: n)
                    t += 1
                    continue
                case .characterClass(let c):
                    let (value, length) = NameCharacter.decode(name, at: n)
                    if c.matches(value) {
                        n += length
                        t += 1
                        continue
                    }
                case .star:
                    starToken = t
                    starName = n
                    t += 1
                    continue
                }
            }
            guard starToken >= 0 else { return false }
            starName += NameCharacter.length(name, at: starName)
            n = starName
            t = starToken + 1
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
    }
}
