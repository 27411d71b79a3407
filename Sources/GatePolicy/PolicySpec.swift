/// The rules a `Policy` is compiled from, as plain values.
///
/// Built by GateConfig from the config file and the command line; kept on
/// the compiled `Policy` so the CLI can print and digest what is in force.
public struct PolicySpec: Sendable {
    public var allow: [Pattern]
    /// The allow patterns that also grant write (`write = true`,
    /// `--allow-write`). Each is in `allow` too: a grant shows what it covers.
    public var write: [Pattern]
    public var deny: [Pattern]
    /// The secret-store list, already filtered by `builtin = false` and by
    /// entry names listed under `except`.
    public var secrets: [SecretEntry]
    /// Pattern carve-outs from the secret list.
    public var secretExcept: [Pattern]
    /// The mountpoint and audit log, when they lie inside the source.
    public var hidden: [HiddenPath]

    public init(
        allow: [Pattern] = [], write: [Pattern] = [], deny: [Pattern] = [], secrets: [SecretEntry] = [],
        secretExcept: [Pattern] = [], hidden: [HiddenPath] = []
    ) {
        self.allow = allow
        self.write = write
        self.deny = deny
        self.secrets = secrets
        self.secretExcept = secretExcept
        self.hidden = hidden
    }
}
