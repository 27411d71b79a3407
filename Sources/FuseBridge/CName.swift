import Glibc

/// Names between libfuse's C strings and the gate's byte arrays.
enum CName {
    /// A name the kernel sent, as bytes.
    static func bytes(_ cname: UnsafePointer<CChar>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: cname, count: strlen(cname)))
    }

    /// Calls `body` with `bytes` as a NUL-terminated C string, built on the
    /// stack for a name of ordinary length (no allocation per entry).
    @inline(__always)
    static func with<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            buffer[bytes.count] = 0
            return body(UnsafePointer(buffer.baseAddress!))
        }
    }
}
