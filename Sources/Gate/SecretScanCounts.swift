/// What the secret-identity set holds, for the daemon's diagnostics.
public struct SecretScanCounts: Sendable {
    /// Fixed paths of the secret list and deny rules, scanned from the root.
    public let fixedPaths: Int
    /// Stores met below the root and scanned with them.
    public let stores: Int
    /// Regular files known to be secrets, hidden by identity.
    public let files: Int
}
