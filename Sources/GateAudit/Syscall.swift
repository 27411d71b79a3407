import Glibc

/// The one funnel for GateAudit's syscalls: retries `EINTR` so no caller forgets to.
///
/// GateAudit deliberately does not depend on GateSystem (the audit layer must
/// build and test alone), so it keeps this small copy of the same rule.
enum Syscall {
    /// Calls `body` until it does not fail with `EINTR`; returns its result, `errno` intact.
    static func retrying<T: FixedWidthInteger & SignedInteger>(_ body: () -> T) -> T {
        while true {
            let result = body()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// Writes all of `bytes`, looping over short writes. Returns 0 or the errno.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let n = retrying { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
            if n < 0 { return errno }
            offset += n
        }
        return 0
    }

    /// Reads up to `count` bytes at `offset`; returns the bytes read (empty at end of file) or nil on error.
    static func pread(_ fd: Int32, count: Int, at offset: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = out.withUnsafeMutableBytes { raw in
                retrying { Glibc.pread(fd, raw.baseAddress! + filled, count - filled, off_t(offset + filled)) }
            }
            if n < 0 { return nil }
            if n == 0 { break }
            filled += n
        }
        out.removeLast(count - filled)
        return out
    }

    /// `open(2)` with `O_CLOEXEC`, retrying `EINTR`. Returns the fd or -1 with `errno` set.
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
        retrying { Glibc.open(path, flags | O_CLOEXEC, mode) }
    }

    /// The message for an errno, e.g. "No such file or directory".
    static func message(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
