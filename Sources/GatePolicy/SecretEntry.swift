/// One named entry of the secret-store list, e.g. `ssh` → `.ssh`.
///
/// The name is what audit lines show (`secret:ssh`) and what a user writes in
/// `[secrets] except` to drop the whole entry.
public struct SecretEntry: Sendable, Hashable {
    public let name: String
    public let patterns: [Pattern]
    /// Matched the way the built-in list is (see `BuiltinMatching`): each
    /// pattern at any depth, as if written `**/PATTERN`, names compared with
    /// ASCII case folded, and every segment also matching its editor and
    /// backup variants (`id_rsa~`, `.ssh.bak`, `#.env#`). False for rules a
    /// user writes, which are matched exactly as `Pattern` documents.
    public let builtin: Bool

    public init(name: String, patterns: [Pattern], builtin: Bool = false) {
        self.name = name
        self.patterns = patterns
        self.builtin = builtin
    }
}
