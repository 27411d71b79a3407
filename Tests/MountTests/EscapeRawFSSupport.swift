import Foundation
import Glibc

/// Byte-string file calls, for names that are not valid UTF-8.
enum EscapeRawFS {
    static func withPath<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (path + [0]).withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }

    static func lstat(_ path: [UInt8]) -> stat? {
        var st = stat()
        return withPath(path) { Glibc.lstat($0, &st) } == 0 ? st : nil
    }

    static func lstatError(_ path: [UInt8]) -> Int32 {
        var st = stat()
        return withPath(path) { Glibc.lstat($0, &st) } == 0 ? 0 : errno
    }

    static func createFile(_ path: [UInt8], _ bytes: [UInt8]) -> Int32 {
        let fd = withPath(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count ? 0 : errno
    }

    static func mkdir(_ path: [UInt8]) -> Int32 {
        withPath(path) { Glibc.mkdir($0, 0o755) } == 0 ? 0 : errno
    }

    static func readAll(_ path: [UInt8]) -> Result<[UInt8], Posix.Errno> {
        let fd = withPath(path) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW) }
        guard fd >= 0 else { return .failure(Posix.Errno(errno)) }
        defer { close(fd) }
        return readAll(fd: fd)
    }

    static func readAll(fd: Int32, limit: Int = 64 << 20) -> Result<[UInt8], Posix.Errno> {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while out.count < limit {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(Posix.Errno(errno)) }
            if n == 0 { break }
            out.append(contentsOf: buffer[..<n])
        }
        return .success(out)
    }

    static func readlink(_ path: [UInt8]) -> Result<[UInt8], Posix.Errno> {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = withPath(path) { p in
            buffer.withUnsafeMutableBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { Glibc.readlink(p, $0.baseAddress!, $0.count - 1) }
            }
        }
        return n >= 0 ? .success(Array(buffer[..<n])) : .failure(Posix.Errno(errno))
    }

    /// Directory entries ("." and ".." left out), as raw bytes, in readdir order.
    static func names(_ path: [UInt8]) -> Result<[[UInt8]], Posix.Errno> {
        guard let dir = withPath(path, { opendir($0) }) else { return .failure(Posix.Errno(errno)) }
        defer { closedir(dir) }
        return names(dir)
    }

    static func names(fd: Int32) -> Result<[[UInt8]], Posix.Errno> {
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else { return .failure(Posix.Errno(errno)) }
        defer { closedir(dir) }
        return names(dir)
    }

    private static func names(_ dir: OpaquePointer) -> Result<[[UInt8]], Posix.Errno> {
        var out: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { return .failure(Posix.Errno(errno)) }
                return .success(out)
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2E] && name != [0x2E, 0x2E] { out.append(name) }
        }
    }

    /// d_ino of each entry, by name.
    static func inodes(_ path: String) -> [String: UInt64] {
        guard let dir = opendir(path) else { return [:] }
        defer { closedir(dir) }
        var out: [String: UInt64] = [:]
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            out[name] = UInt64(entry.pointee.d_ino)
        }
        return out
    }
}

extension Result {
    var escapeValue: Success? {
        if case .success(let v) = self { return v }
        return nil
    }

    var escapeError: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
