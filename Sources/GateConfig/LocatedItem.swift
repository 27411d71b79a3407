/// What `TOMLLocator` knows about one document path.
struct LocatedItem: Sendable {
    /// The key naming it (the last part of a dotted key), or its table header.
    var key: SourceLocation?
    /// The first character of its value (or its `[[header]]`).
    var value: SourceLocation?
    /// The decoded value, when it is a string.
    var string: DecodedString?
}
