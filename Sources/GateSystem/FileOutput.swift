import Glibc
import SystemPackage

/// Writing to the process's standard streams and to the daemon's debug log
/// (CLI side; the audit log has its own writer).
public enum FileOutput {
    /// Writes all of `bytes`, looping over short writes.
    /// The corresponding C function is `write(2)`.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            offset += try Syscall.check {
                bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            }
        }
    }

    /// Opens `path` for appending, creating it (mode 0600) if needed. A
    /// symlink as the last name is refused, as for the audit log.
    /// The corresponding C function is `open(2)`.
    public static func openForAppending(_ path: String) throws(Errno) -> Int32 {
        try Syscall.check { Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600) }
    }

    /// Makes `target` (stderr, say) a copy of `source`, or of /dev/null when
    /// `source` is nil. The corresponding C function is `dup2(2)`.
    public static func redirect(_ target: Int32, to source: Int32?) throws(Errno) {
        guard let source else {
            let null = try Syscall.check { Glibc.open("/dev/null", O_WRONLY | O_CLOEXEC) }
            defer { _ = Glibc.close(null) }
            return try redirect(target, to: null)
        }
        _ = try Syscall.check { Glibc.dup2(source, target) }
    }

    /// Closes a descriptor this process owns. close(2) is not retried on
    /// EINTR on Linux: the descriptor is gone either way.
    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}
