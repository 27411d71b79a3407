import Glibc

/// Names the kernel sends, as the gate's byte arrays (the other way,
/// bytes to a C string, is `Syscall.withCName`).
enum CName {
    /// A name the kernel sent, as bytes.
    static func bytes(_ cname: UnsafePointer<CChar>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: cname, count: strlen(cname)))
    }
}
