public import GatePolicy

extension GateConfig {
    /// The rules for a `Policy`: this config's allows, write grants and
    /// denies plus the command line's (an `extraWrite` pattern is an allow
    /// too, as `--allow-write` shows what it grants), the built-in secrets minus excepted entries, and the
    /// paths gatefs hides for itself. Throws if a `secretExcept` string set
    /// after parsing is neither an entry name nor a pattern.
    public func policySpec(
        extraAllow: [Pattern], extraWrite: [Pattern] = [], extraDeny: [Pattern], hidden: [HiddenPath]
    ) throws(ConfigError) -> PolicySpec {
        let names = BuiltinSecrets.entries.map(\.name)
        var exceptPatterns: [Pattern] = []
        for text in secretExcept where !names.contains(text) {
            do throws(PatternError) {
                exceptPatterns.append(try Pattern(text))
            } catch {
                throw ConfigError(
                    file: file, line: nil, column: nil,
                    message: "secret except '\(text)' is neither a built-in entry name nor a valid pattern: \(error.message)")
            }
        }
        let secrets = builtinSecrets ? BuiltinSecrets.entries.filter { !secretExcept.contains($0.name) } : []
        return PolicySpec(
            allow: allow + extraAllow + extraWrite, write: write + extraWrite, deny: deny + extraDeny, secrets: secrets,
            secretExcept: exceptPatterns, hidden: hidden)
    }
}
