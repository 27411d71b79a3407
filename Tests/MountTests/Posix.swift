import Foundation
import Glibc

/// Thin libc helpers that report errno, for asserting exact error codes.
enum Posix {
    /// The errno left by `body` when it returned a negative value, else 0.
    /// A successful call that produced a descriptor has it closed.
    static func failure(closingResult: Bool = false, _ body: () -> Int32) -> Int32 {
        errno = 0
        let rc = body()
        let code = errno
        if rc >= 0 {
            if closingResult { close(rc) }
            return 0
        }
        return code
    }

    /// lstat(2): 0 when the path exists, else the errno.
    static func lstatError(_ path: String) -> Int32 {
        var st = stat()
        return failure { lstat(path, &st) }
    }

    /// stat(2) (following links): 0 when it resolves, else the errno.
    static func statError(_ path: String) -> Int32 {
        var st = stat()
        return failure { stat(path, &st) }
    }

    static func lstatInfo(_ path: String) -> stat? {
        var st = stat()
        return lstat(path, &st) == 0 ? st : nil
    }

    /// Reads a whole file with open/read, so a failure keeps its errno.
    static func readFile(_ path: String) -> Result<[UInt8], Errno> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Errno(errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(Errno(errno)) }
            if n == 0 { return .success(out) }
            out.append(contentsOf: buffer[..<n])
        }
    }

    static func readLink(_ path: String) -> Result<String, Errno> {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return .failure(Errno(errno)) }
        return .success(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// An errno value with its symbolic name, for readable assertion messages.
    struct Errno: Error, Equatable, CustomStringConvertible {
        let code: Int32
        init(_ code: Int32) { self.code = code }
        var description: String { Posix.name(code) }
    }

    static func name(_ code: Int32) -> String {
        let names: [Int32: String] = [
            0: "success", EPERM: "EPERM", ENOENT: "ENOENT", EIO: "EIO", EBADF: "EBADF", EACCES: "EACCES",
            EBUSY: "EBUSY", EEXIST: "EEXIST", EXDEV: "EXDEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR",
            EINVAL: "EINVAL", EROFS: "EROFS", ELOOP: "ELOOP", ENOTCONN: "ENOTCONN", ENOSYS: "ENOSYS",
            ENODATA: "ENODATA", EOPNOTSUPP: "EOPNOTSUPP", ESTALE: "ESTALE", ENOTEMPTY: "ENOTEMPTY",
            ENAMETOOLONG: "ENAMETOOLONG", ENXIO: "ENXIO", ESPIPE: "ESPIPE", ENODEV: "ENODEV", EFBIG: "EFBIG",
            ENOSPC: "ENOSPC", EMLINK: "EMLINK", ETXTBSY: "ETXTBSY",
        ]
        return names[code] ?? "errno \(code) (\(String(cString: strerror(code))))"
    }
}

/// What /proc says about a process.
enum ProcFS {
    /// Whether `pid` exists and is not a zombie (a daemon that exited but
    /// whose reaper has not collected it yet counts as gone).
    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
        return state != "Z" && state != "X"
    }

    static func waitUntilGone(_ pid: Int32, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning(pid) {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }

    static func commandLine(_ pid: Int32) -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    static func openDescriptorCount(_ pid: Int32) -> Int? {
        try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }

    /// VmRSS in KiB.
    static func residentKiB(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// The SigIgn mask (bit n-1 for signal n).
    static func ignoredSignals(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("SigIgn:") {
            return UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        }
        return nil
    }

    static func workingDirectory(_ pid: Int32) -> String? {
        if case .success(let target) = Posix.readLink("/proc/\(pid)/cwd") { return target }
        return nil
    }
}
