import GateSystem

/// Reads a config file whole, through GateSystem, so the error names the
/// errno ("No such file or directory") rather than a Foundation wrapper.
enum ConfigFile {
    static func contents(_ path: String) throws(ConfigError) -> String {
        var opened = false
        let bytes: [UInt8]
        do {
            let file = try Sys.openPath(path)
            opened = true
            // The OwnedFD must outlive the reads: its deinit closes the descriptor.
            bytes = try withExtendedLifetime(file) { try Sys.readAll(file.descriptor) }
        } catch {
            throw ConfigError(file: path, line: nil, column: nil, message: "cannot \(opened ? "read" : "open"): \(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: path, line: nil, column: nil, message: "not valid UTF-8 text")
        }
        return text
    }
}
