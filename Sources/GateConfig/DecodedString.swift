/// A TOML string value decoded by `TOMLLocator`, with the source location
/// of every decoded byte, so an error at byte k of the value (a pattern
/// error's column) can be shown where it is in the file.
struct DecodedString: Sendable {
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var bytes: [UInt8] = []
    /// `locations[k]` is where decoded byte k came from: the character
    /// itself, or the backslash of its escape.
    var locations: [SourceLocation] = []

    /// Where byte `offset` (0-based) of the decoded value is in the file.
    func location(ofByte offset: Int) -> SourceLocation? {
        locations.indices.contains(offset) ? locations[offset] : nil
    }
}
