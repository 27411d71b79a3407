/// The rule that produced a decision; its description goes into audit lines.
public enum Rule: Sendable, Hashable, CustomStringConvertible {
    /// An allow pattern, by its text as written.
    case allow(String)
    /// An allow pattern that grants write, by its text as written.
    case write(String)
    /// A deny pattern, by its text as written.
    case deny(String)
    /// A secret-list entry, by its name.
    case secret(String)
    /// No allow pattern covers the path.
    case notAllowed
    /// An internal hidden path, by its reason ("mountpoint", "audit-log").
    case hidden(String)
    /// The source root, which is always shown.
    case root

    public var description: String {
        switch self {
        case .allow(let text): "allow:\(text)"
        case .write(let text): "write:\(text)"
        case .deny(let text): "deny:\(text)"
        case .secret(let name): "secret:\(name)"
        case .notAllowed: "not-allowed"
        case .hidden(let reason): reason
        case .root: "root"
        }
    }
}
