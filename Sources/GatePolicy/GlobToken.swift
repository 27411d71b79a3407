/// One element of a compiled single-segment glob.
enum GlobToken: Sendable, Hashable {
    /// Bytes that must appear as written (escapes already resolved).
    case literal([UInt8])
    /// `?`: exactly one character.
    case one
    /// `*`: any run of characters, including a leading dot.
    case star
    /// `[...]`: one character in (or, negated, not in) the class.
    case characterClass(CharacterClass)
}
