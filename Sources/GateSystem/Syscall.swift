import CGateSys
import Glibc
import SystemPackage

/// The one funnel every system call in gatefs goes through.
///
/// It retries `EINTR`, turns `-1`/`errno` into a typed `Errno`, and treats
/// `EBADF` and `EFAULT` as programming errors: they mean a descriptor or
/// buffer was used after it was released, which must never be papered over.
public enum Syscall {
    public static func check<T: FixedWidthInteger>(
        _ body: () -> T
    ) throws(Errno) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            precondition(code != EBADF && code != EFAULT, "gatefs bug: syscall failed with \(Errno(rawValue: code))")
            throw Errno(rawValue: code)
        }
    }

    /// Runs `body` with `name` as a NUL-terminated C string without a heap
    /// allocation for ordinary file names. Inlinable, so the bridge's readdir
    /// packing (one call per entry) gets it specialised as the gate does.
    @inlinable
    public static func withCName<R, E: Error>(
        _ name: [UInt8], _ body: (UnsafePointer<CChar>) throws(E) -> R
    ) throws(E) -> R {
        let count = name.count
        return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buf throws(E) -> R in
            name.withUnsafeBytes { src in
                if count > 0 {
                    UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: src.baseAddress!, byteCount: count)
                }
            }
            buf[count] = 0
            return try body(UnsafePointer(buf.baseAddress!))
        }
    }
}
