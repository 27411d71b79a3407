import GateSystem

/// Reads a config file whole, through GateSystem, so the error names the
/// errno ("No such file or directory") rather than a Foundation wrapper.
enum ConfigFile {
    static func contents(_ path: String) throws(ConfigError) -> String {
        func failure(_ what: String, _ errno: some CustomStringConvertible) -> ConfigError {
            ConfigError(file: path, line: nil, column: nil, message: "cannot \(what): \(errno)")
        }
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path)
        } catch {
            switch error {
            case .open(let errno): throw failure("open", errno)
            case .read(let errno): throw failure("read", errno)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: path, line: nil, column: nil, message: "not valid UTF-8 text")
        }
        return text
    }
}
