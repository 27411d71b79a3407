import CGateSys
import Glibc
import SystemPackage

/// Calls by path, for the files gatefs keeps outside any source tree (the
/// audit log, its rotated files and its lock), and plain reads and writes.
/// The source tree itself is only ever reached relative to a directory
/// descriptor (see `Sys.open(in:_:flags:)`).
extension Sys {
    /// Creates a file with no name in `directory` (`O_TMPFILE`), open for
    /// appending, to be given a name with `link(_:to:)`.
    public static func openUnnamedFile(inDirectory directory: String, permissions: FilePermissions) throws(Errno) -> OwnedFD {
        let raw = try Syscall.check {
            Glibc.open(directory, tmpfileFlag | O_DIRECTORY | O_RDWR | O_APPEND | O_CLOEXEC, permissions.rawValue)
        }
        return OwnedFD(adopting: FileDescriptor(rawValue: raw))
    }

    /// `__O_TMPFILE` without `O_DIRECTORY` (the C macro does not import):
    /// 020000000 on every Linux architecture Swift runs on.
    private static let tmpfileFlag: Int32 = 0o20000000

    /// Attributes of `path`; with `followSymlinks` false, of a symlink itself.
    /// The corresponding C function is `statx(2)`.
    public static func stat(path: String, followSymlinks: Bool = true) throws(Errno) -> FileStat {
        var out = gatefs_stat()
        let flags = followSymlinks ? 0 : gatefs_AT_SYMLINK_NOFOLLOW
        _ = try Syscall.check { gatefs_statx(AT_FDCWD, path, flags, &out) }
        return FileStat(out)
    }

    /// Reads into `buffer` (as much as it holds) from the descriptor's
    /// offset; 0 at the end of the file. The corresponding C function is `read(2)`.
    public static func read(_ fd: FileDescriptor, into buffer: inout [UInt8]) throws(Errno) -> Int {
        try Syscall.check { buffer.withUnsafeMutableBytes { Glibc.read(fd.rawValue, $0.baseAddress, $0.count) } }
    }

    /// One read into `buffer[from...]` at `offset`, leaving the descriptor's
    /// own offset alone; 0 at the end of the file. The corresponding C
    /// function is `pread(2)`.
    public static func pread(_ fd: FileDescriptor, into buffer: inout [UInt8], from start: Int = 0, at offset: Int) throws(Errno) -> Int {
        try Syscall.check {
            buffer.withUnsafeMutableBytes { Glibc.pread(fd.rawValue, $0.baseAddress! + start, $0.count - start, off_t(offset)) }
        }
    }

    /// Up to `count` bytes at `offset`: fewer only at the end of the file.
    public static func pread(_ fd: FileDescriptor, count: Int, at offset: Int) throws(Errno) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = try pread(fd, into: &out, from: filled, at: offset + filled)
            if n == 0 { break }
            filled += n
        }
        out.removeLast(count - filled)
        return out
    }

    /// Writes all of `bytes`, looping over short writes.
    public static func writeAll(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            offset += try write(fd, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
    }

    /// Takes an exclusive lock on the open file without waiting: `EWOULDBLOCK`
    /// when another descriptor holds one. The corresponding C function is `flock(2)`.
    public static func lockExclusive(_ fd: FileDescriptor) throws(Errno) {
        _ = try Syscall.check { flock(fd.rawValue, LOCK_EX | LOCK_NB) }
    }

    /// The corresponding C function is `fchmod(2)`.
    public static func setPermissions(_ fd: FileDescriptor, _ permissions: FilePermissions) throws(Errno) {
        _ = try Syscall.check { fchmod(fd.rawValue, permissions.rawValue) }
    }

    /// The corresponding C function is `ftruncate(2)`.
    public static func truncate(_ fd: FileDescriptor, to size: Int) throws(Errno) {
        _ = try Syscall.check { ftruncate(fd.rawValue, off_t(size)) }
    }

    /// Data and metadata to disk. The corresponding C function is `fsync(2)`.
    public static func sync(_ fd: FileDescriptor) throws(Errno) {
        _ = try Syscall.check { fsync(fd.rawValue) }
    }

    /// Data (and the size) to disk. The corresponding C function is `fdatasync(2)`.
    public static func dataSync(_ fd: FileDescriptor) throws(Errno) {
        _ = try Syscall.check { fdatasync(fd.rawValue) }
    }

    /// The corresponding C function is `mkdir(2)`.
    public static func makeDirectory(_ path: String, permissions: FilePermissions) throws(Errno) {
        _ = try Syscall.check { mkdir(path, permissions.rawValue) }
    }

    /// The corresponding C function is `rename(2)`.
    public static func rename(_ path: String, to newPath: String) throws(Errno) {
        _ = try Syscall.check { Glibc.rename(path, newPath) }
    }

    /// The corresponding C function is `unlink(2)`.
    public static func unlink(_ path: String) throws(Errno) {
        _ = try Syscall.check { Glibc.unlink(path) }
    }

    /// Gives the open file `fd` (an unnamed one, see `openUnnamedFile`) the
    /// name `path`; `EEXIST` when the name is taken. The corresponding C
    /// function is `linkat(2)`, through the descriptor's /proc/self/fd link.
    public static func link(_ fd: FileDescriptor, to path: String) throws(Errno) {
        _ = try Syscall.check { linkat(AT_FDCWD, "/proc/self/fd/\(fd.rawValue)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) }
    }

    /// Every name in the directory at `path`, without "." and "..".
    public static func directoryNames(atPath path: String) throws(Errno) -> [[UInt8]] {
        let dir = try openPath(path, .readOnly, options: .directory)
        return try withExtendedLifetime(dir) { () throws(Errno) in try directoryNames(dir.descriptor) }
    }
}
