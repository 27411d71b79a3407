import GatePolicy
import GateVocabulary
import TOMLKit

/// Walks TOMLKit's tree for a config (or the built-in secret list),
/// checking every key and type, and collects errors located via
/// `TOMLLocator`. Keeps going after an error so the one reported is the
/// first in the file, not the first in TOMLKit's (sorted) key order.
struct ConfigReader {
    let file: String
    let locator: TOMLLocator
    private(set) var errors: [ConfigError] = []

    init(file: String, locator: TOMLLocator) {
        self.file = file
        self.locator = locator
    }

    static let topKeys = ["source", "inode_numbers", "deny", "allow", "secrets", "log"]
    static let allowKeys = ["path", "write"]
    static let secretsKeys = ["builtin", "except"]
    static let logKeys = ["path", "reads", "rotate_bytes", "keep"]

    static func parseTOML(_ text: String, file: String) throws(ConfigError) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let at = error.source.begin
            throw ConfigError(file: file, line: at.line, column: at.column, message: "invalid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: nil, column: nil, message: "invalid TOML: \(error)")
        }
    }

    func throwFirstError() throws(ConfigError) {
        let first = errors.min {
            ($0.line ?? .max, $0.column ?? .max) < ($1.line ?? .max, $1.column ?? .max)
        }
        if let first { throw first }
    }

    // MARK: the config file

    mutating func readConfig(_ table: TOMLTable, home: String) -> GateConfig {
        var config = GateConfig()
        config.file = file
        checkKeys(table, at: [], known: Self.topKeys, context: nil)
        if let value = table["source"], let s = string(value, at: [.key("source")], "'source'") {
            config.source = path(s, at: [.key("source")], "'source'", home: home)
        }
        if let value = table["inode_numbers"], let s = string(value, at: [.key("inode_numbers")], "'inode_numbers'") {
            if let numbers = InodeNumbering(rawValue: s) {
                config.inodeNumbers = numbers
            } else {
                report("'inode_numbers' must be \(InodeNumbering.choices(quotedWith: "\"")), not \"\(s)\"", at: [.key("inode_numbers")])
            }
        }
        if let value = table["deny"] {
            config.deny = patterns(value, at: [.key("deny")], "'deny'")
        }
        if let value = table["allow"] {
            (config.allow, config.write) = allowEntries(value)
        }
        if let value = table["secrets"] {
            let at: DocumentPath = [.key("secrets")]
            if let secrets = self.table(value, at: at, "'secrets'", header: "[secrets]") {
                checkKeys(secrets, at: at, known: Self.secretsKeys, context: "[secrets]")
                if let v = secrets["builtin"] {
                    config.builtinSecrets = bool(v, at: at + [.key("builtin")], "'builtin' in [secrets]") ?? true
                }
                if let v = secrets["except"] {
                    config.secretExcept = excepts(v, at: at + [.key("except")])
                }
            }
        }
        if let value = table["log"] {
            readLog(value, into: &config, home: home)
        }
        return config
    }

    /// Every `[[allow]]` path, and those of them with `write = true`.
    private mutating func allowEntries(_ value: any TOMLValueConvertible) -> (allow: [Pattern], write: [Pattern]) {
        let at: DocumentPath = [.key("allow")]
        guard let array = value.array, array.allSatisfy({ $0.table != nil }) else {
            report("'allow' must be [[allow]] tables, each with a 'path' key", at: at)
            return ([], [])
        }
        var allow: [Pattern] = []
        var write: [Pattern] = []
        for (k, element) in array.enumerated() {
            let entryAt = at + [.index(k)]
            guard let entry = element.table else { continue }
            checkKeys(entry, at: entryAt, known: Self.allowKeys, context: "[[allow]]")
            let grants = entry["write"].flatMap { bool($0, at: entryAt + [.key("write")], "'write' in [[allow]]") }
            guard let path = entry["path"] else {
                report("[[allow]] needs a 'path' key", at: entryAt, key: true)
                continue
            }
            let pathAt = entryAt + [.key("path")]
            if let text = string(path, at: pathAt, "'path' in [[allow]]"), let p = pattern(text, at: pathAt) {
                allow.append(p)
                if grants == true { write.append(p) }
            }
        }
        return (allow, write)
    }

    private mutating func excepts(_ value: any TOMLValueConvertible, at: DocumentPath) -> [String] {
        let names = BuiltinSecrets.entries.map(\.name)
        var result: [String] = []
        for (text, itemAt) in strings(value, at: at, "'except' in [secrets]") {
            if names.contains(text) {
                result.append(text)
                continue
            }
            do throws(PatternError) {
                _ = try Pattern(text)
                result.append(text)
            } catch {
                var message = "'\(text)' in [secrets] except is neither a built-in entry name nor a valid pattern: \(error.message)"
                if let guess = KeySuggestion.closest(to: text, among: names) { message += " (did you mean '\(guess)'?)" }
                report(message, at: itemAt, byte: error.column - 1)
            }
        }
        return result
    }

    private mutating func readLog(_ value: any TOMLValueConvertible, into config: inout GateConfig, home: String) {
        let at: DocumentPath = [.key("log")]
        guard let log = table(value, at: at, "'log'", header: "[log]") else { return }
        checkKeys(log, at: at, known: Self.logKeys, context: "[log]")
        if let v = log["path"], let s = string(v, at: at + [.key("path")], "'path' in [log]") {
            config.logPath = path(s, at: at + [.key("path")], "'path' in [log]", home: home)
        }
        if let v = log["reads"], let s = string(v, at: at + [.key("reads")], "'reads' in [log]") {
            if let reads = ReadLogging(rawValue: s) {
                config.logReads = reads
            } else {
                report("'reads' in [log] must be \(ReadLogging.choices(quotedWith: "\"")), not \"\(s)\"", at: at + [.key("reads")])
            }
        }
        if let v = log["rotate_bytes"], let n = int(v, at: at + [.key("rotate_bytes")], "'rotate_bytes' in [log]") {
            if n > 0 {
                config.logRotateBytes = n
            } else {
                report("'rotate_bytes' in [log] must be a positive number of bytes", at: at + [.key("rotate_bytes")])
            }
        }
        if let v = log["keep"], let n = int(v, at: at + [.key("keep")], "'keep' in [log]") {
            if n >= 0 {
                config.logKeep = n
            } else {
                report("'keep' in [log] must be zero or more", at: at + [.key("keep")])
            }
        }
    }

    // MARK: the built-in secret list

    /// `[[secret]]` tables, each with a unique `name` and non-empty `paths`;
    /// built-in entries, matched as `BuiltinMatching` (GatePolicy) says.
    mutating func readSecretList(_ table: TOMLTable) -> [SecretEntry] {
        checkKeys(table, at: [], known: ["secret"], context: nil)
        let at: DocumentPath = [.key("secret")]
        guard let value = table["secret"], let array = value.array else {
            report("expected [[secret]] tables", at: at)
            return []
        }
        var entries: [SecretEntry] = []
        for (k, element) in array.enumerated() {
            let entryAt = at + [.index(k)]
            guard let entry = element.table else {
                report("each 'secret' must be a table", at: entryAt)
                continue
            }
            checkKeys(entry, at: entryAt, known: ["name", "paths"], context: "[[secret]]")
            guard let nameValue = entry["name"], let pathsValue = entry["paths"] else {
                report("[[secret]] needs 'name' and 'paths'", at: entryAt, key: true)
                continue
            }
            let nameAt = entryAt + [.key("name")]
            guard let name = string(nameValue, at: nameAt, "'name' in [[secret]]") else { continue }
            if name.isEmpty || entries.contains(where: { $0.name == name }) {
                report("secret names must be non-empty and unique: '\(name)'", at: nameAt)
                continue
            }
            let paths = patterns(pathsValue, at: entryAt + [.key("paths")], "'paths' in [[secret]]")
            if pathsValue.array?.isEmpty == true {
                report("'paths' in [[secret]] must not be empty", at: entryAt + [.key("paths")])
            }
            entries.append(SecretEntry(name: name, patterns: paths, builtin: true))
        }
        return entries
    }

    // MARK: typed values

    private mutating func checkKeys(_ table: TOMLTable, at: DocumentPath, known: [String], context: String?) {
        for key in table.keys where !known.contains(key) {
            var message = "unknown key '\(key)'"
            if let context { message += " in \(context)" }
            if let guess = KeySuggestion.closest(to: key, among: known) { message += " (did you mean '\(guess)'?)" }
            report(message, at: at + [.key(key)], key: true)
        }
    }

    private mutating func table(
        _ value: any TOMLValueConvertible, at: DocumentPath, _ name: String, header: String
    ) -> TOMLTable? {
        if let t = value.table { return t }
        report("\(name) must be a table (a \(header) section)", at: at)
        return nil
    }

    /// TOMLKit's strings are C strings and stop at a NUL; the locator's
    /// decoding does not, so it is preferred whenever it found the value.
    private mutating func string(_ value: any TOMLValueConvertible, at: DocumentPath, _ name: String) -> String? {
        guard let s = value.string else {
            report("\(name) must be a string", at: at)
            return nil
        }
        return locator.string(at)?.text ?? s
    }

    private mutating func bool(_ value: any TOMLValueConvertible, at: DocumentPath, _ name: String) -> Bool? {
        guard let b = value.bool else {
            report("\(name) must be true or false", at: at)
            return nil
        }
        return b
    }

    private mutating func int(_ value: any TOMLValueConvertible, at: DocumentPath, _ name: String) -> Int? {
        guard let n = value.int else {
            report("\(name) must be an integer", at: at)
            return nil
        }
        return n
    }

    /// Each string of an array of strings, with its document path.
    private mutating func strings(
        _ value: any TOMLValueConvertible, at: DocumentPath, _ name: String
    ) -> [(String, DocumentPath)] {
        guard let array = value.array else {
            report("\(name) must be an array of strings", at: at)
            return []
        }
        var result: [(String, DocumentPath)] = []
        for (k, element) in array.enumerated() {
            if let s = string(element, at: at + [.index(k)], "\(name) must be an array of strings; this item") {
                result.append((s, at + [.index(k)]))
            }
        }
        return result
    }

    private mutating func patterns(_ value: any TOMLValueConvertible, at: DocumentPath, _ name: String) -> [Pattern] {
        strings(value, at: at, name).compactMap { pattern($0.0, at: $0.1) }
    }

    private mutating func pattern(_ text: String, at: DocumentPath) -> Pattern? {
        do throws(PatternError) {
            return try Pattern(text)
        } catch {
            report("invalid pattern '\(text)': \(error.message)", at: at, byte: error.column - 1)
            return nil
        }
    }

    private mutating func path(_ text: String, at: DocumentPath, _ name: String, home: String) -> String? {
        if text.isEmpty {
            report("\(name) must not be empty", at: at)
            return nil
        }
        guard let expanded = HomeDirectory.expand(text, home: home) else {
            report("\(name): '~user' paths are not supported; write the full path", at: at)
            return nil
        }
        return expanded
    }

    // MARK: errors

    /// Records `message` at the value of `at` (or its key, or a byte inside
    /// its string value), falling back to whatever the locator knows.
    private mutating func report(_ message: String, at: DocumentPath, key: Bool = false, byte: Int? = nil) {
        var location = key ? locator.key(at) : locator.value(at)
        if let byte, let inside = locator.string(at)?.location(ofByte: byte) { location = inside }
        location = location ?? locator.key(at) ?? locator.value(at)
        errors.append(ConfigError(file: file, at: location, message))
    }
}
