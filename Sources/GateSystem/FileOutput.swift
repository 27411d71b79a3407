import Glibc
import SystemPackage

/// Writing to the process's standard streams and to the daemon's debug log
/// (CLI side; the audit log has its own writer).
public enum FileOutput {
    /// Writes all of `bytes`, looping over short writes.
    /// The corresponding C function is `write(2)`.
    public static func writeAll(_ fd: FileDescriptor, _ bytes: [UInt8]) throws(Errno) {
        // withUnsafeBytes rethrows untyped: carry the Errno out in a Result.
        try bytes.withUnsafeBytes { raw in Result { () throws(Errno) in try Sys.writeAll(fd, raw) } }.get()
    }

    /// Opens `path` for appending, creating it (mode 0600) if needed. A
    /// symlink as the last name is refused, as for the audit log.
    /// The corresponding C function is `open(2)`.
    public static func openForAppending(_ path: String) throws(Errno) -> OwnedFD {
        let raw = try Syscall.check { Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600) }
        return OwnedFD(adopting: FileDescriptor(rawValue: raw))
    }

    /// Makes `target` (stderr, say) a copy of `source`, or of /dev/null when
    /// `source` is nil. The corresponding C function is `dup2(2)`.
    public static func redirect(_ target: FileDescriptor, to source: FileDescriptor?) throws(Errno) {
        guard let source else {
            let null = try Sys.openPath("/dev/null", .writeOnly)
            return try withExtendedLifetime(null) { () throws(Errno) in try redirect(target, to: null.descriptor) }
        }
        _ = try Syscall.check { Glibc.dup2(source.rawValue, target.rawValue) }
    }

    /// Closes a descriptor handed over by number (the daemon's ready pipe),
    /// which no `OwnedFD` owns. Like `OwnedFD`, it does not retry EINTR:
    /// on Linux the descriptor is gone either way.
    public static func close(_ fd: FileDescriptor) {
        _ = Glibc.close(fd.rawValue)
    }
}
