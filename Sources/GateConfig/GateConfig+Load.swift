import TOMLKit

extension GateConfig {
    /// Parses and validates config text. `~` and `~/…` in paths expand
    /// against `home`. Throws the first problem in file order.
    public static func parse(_ text: String, file: String, home: String) throws(ConfigError) -> GateConfig {
        let table = try ConfigReader.parseTOML(text, file: file)
        var reader = ConfigReader(file: file, locator: TOMLLocator(text))
        let config = reader.readConfig(table, home: home)
        try reader.throwFirstError()
        return config
    }

    /// Reads `file` and parses it.
    public static func load(file: String, home: String) throws(ConfigError) -> GateConfig {
        try parse(ConfigFile.contents(file), file: file, home: home)
    }
}
