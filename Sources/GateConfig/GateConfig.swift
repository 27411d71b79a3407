public import GatePolicy
public import GateVocabulary

/// The content of a config file, validated. Defaults stand in for keys the
/// file leaves out; `init()` is the config of a run with no file at all.
public struct GateConfig: Sendable {
    /// The file this came from, for error messages; "" for `init()`.
    public var file: String
    /// The directory to expose, `~` already expanded; nil means `$HOME`.
    public var source: String?
    /// Which inode numbers the view reports.
    public var inodeNumbers: InodeNumbering
    /// Every `[[allow]]` path, those with `write = true` included.
    public var allow: [Pattern]
    /// The `[[allow]]` paths with `write = true`; each is in `allow` too.
    public var write: [Pattern]
    public var deny: [Pattern]
    /// Whether the built-in secret-store list applies.
    public var builtinSecrets: Bool
    /// Carve-outs from the secret list: built-in entry names (dropping the
    /// whole entry) or patterns. A string that is an entry name is a name.
    public var secretExcept: [String]
    /// The audit log file, `~` already expanded; nil means the default.
    public var logPath: String?
    public var logReads: ReadLogging
    /// Rotate the log when it grows past this many bytes.
    public var logRotateBytes: Int
    /// How many rotated logs to keep.
    public var logKeep: Int

    public static let defaultLogRotateBytes = 64 << 20
    public static let defaultLogKeep = 5

    public init() {
        file = ""
        source = nil
        inodeNumbers = .source
        allow = []
        write = []
        deny = []
        builtinSecrets = true
        secretExcept = []
        logPath = nil
        logReads = .all
        logRotateBytes = Self.defaultLogRotateBytes
        logKeep = Self.defaultLogKeep
    }
}
