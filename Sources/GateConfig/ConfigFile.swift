#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a config file whole. Plain POSIX calls, so the error names the
/// errno ("No such file or directory") rather than a Foundation wrapper.
enum ConfigFile {
    static func contents(_ path: String) throws(ConfigError) -> String {
        func failure(_ what: String) -> ConfigError {
            ConfigError(file: path, line: nil, column: nil, message: "cannot \(what): \(String(cString: strerror(errno)))")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open") }
        defer { _ = close(fd) }  // read-only: a close error cannot lose data
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: path, line: nil, column: nil, message: "not valid UTF-8 text")
        }
        return text
    }
}
