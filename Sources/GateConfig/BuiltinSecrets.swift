public import GatePolicy

/// The built-in secret-store list: `config/secrets.toml`, embedded at build
/// time by EmbedSecretsPlugin as `builtinSecretsTOML`.
public enum BuiltinSecrets {
    /// Parsed once. Invalid embedded text is a build defect, not a user
    /// error: gatefs must not start without its secret list, so this traps.
    public static let entries: [SecretEntry] = {
        do {
            return try parse(builtinSecretsTOML, file: "config/secrets.toml")
        } catch {
            preconditionFailure("the built-in secret list is invalid: \(error)")
        }
    }()

    /// Parses text in the format of `config/secrets.toml`.
    static func parse(_ text: String, file: String) throws(ConfigError) -> [SecretEntry] {
        let table = try ConfigReader.parseTOML(text, file: file)
        var reader = ConfigReader(file: file, locator: TOMLLocator(text))
        let entries = reader.readSecretList(table)
        try reader.throwFirstError()
        return entries
    }
}
