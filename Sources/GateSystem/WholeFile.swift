import Glibc
import SystemPackage

/// A small file read whole (a config file), never on the FUSE hot path.
public enum WholeFile {
    /// Which step failed, so a message can say "cannot open" or "cannot read".
    public enum Failure: Error, Sendable {
        case open(Errno)
        case read(Errno)
    }

    /// The file's bytes. The corresponding C functions are `open(2)` and `read(2)`.
    public static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd: Int32
        do {
            fd = try Syscall.check { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        } catch {
            throw .open(error)
        }
        defer { _ = Glibc.close(fd) }  // read-only: a close error cannot lose data
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n: Int
            do {
                n = try Syscall.check { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            } catch {
                throw .read(error)
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }
}
