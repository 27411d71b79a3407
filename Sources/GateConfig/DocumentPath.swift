/// One step into a TOML document: a table key or an array index.
///
/// `[[allow]]` instances are `.key("allow"), .index(n)`, so a path names
/// the same thing in TOMLKit's tree and in `TOMLLocator`.
enum DocumentPathComponent: Hashable, Sendable {
    case key(String)
    case index(Int)
}

typealias DocumentPath = [DocumentPathComponent]
