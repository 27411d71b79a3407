/// One named entry of the secret-store list, e.g. `ssh` → `.ssh`.
///
/// The name is what audit lines show (`secret:ssh`) and what a user writes in
/// `[secrets] except` to drop the whole entry.
public struct SecretEntry: Sendable, Hashable {
    public let name: String
    public let patterns: [Pattern]

    public init(name: String, patterns: [Pattern]) {
        self.name = name
        self.patterns = patterns
    }
}
