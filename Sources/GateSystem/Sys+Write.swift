import CGateSys
import Glibc
import SystemPackage

/// The calls that change the source, for the write grants. Like the rest of
/// `Sys`, each is relative to a verified directory descriptor and never
/// follows a symlink on the daemon's side: the last name is acted on itself
/// (`*at` calls act on the entry, not on what a link points to).
extension Sys {
    /// Creates the regular file `name` in `dir` and opens it (openat2 with
    /// `O_CREAT|O_EXCL`, so it is never an existing file, nor a symlink's
    /// target). `permissions` are applied as given: the daemon's umask is 0
    /// while writes are granted, since the kernel has applied the caller's.
    public static func createFile(
        in dir: FileDescriptor, _ name: [UInt8], _ mode: FileDescriptor.AccessMode, permissions: UInt32,
        options: FileDescriptor.OpenOptions = []
    ) throws(Errno) -> OwnedFD {
        let resolve = gatefs_RESOLVE_BENEATH | gatefs_RESOLVE_NO_SYMLINKS | gatefs_RESOLVE_NO_MAGICLINKS
            | gatefs_RESOLVE_NO_XDEV
        let flags = mode.rawValue | options.rawValue | O_CREAT | O_EXCL | gatefs_O_NOFOLLOW | gatefs_O_CLOEXEC
        let raw = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
            try Syscall.check {
                gatefs_openat2(dir.rawValue, cname, UInt64(UInt32(bitPattern: flags)), UInt64(permissions), resolve)
            }
        }
        return OwnedFD(adopting: FileDescriptor(rawValue: raw))
    }

    /// The corresponding C function is `mkdirat(2)`.
    public static func makeDirectory(in dir: FileDescriptor, _ name: [UInt8], permissions: UInt32) throws(Errno) {
        _ = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
            try Syscall.check { Glibc.mkdirat(dir.rawValue, cname, mode_t(permissions)) }
        }
    }

    /// A FIFO, socket or empty regular file (`mode` carries the type).
    /// The corresponding C function is `mknodat(2)`.
    public static func makeNode(in dir: FileDescriptor, _ name: [UInt8], mode: UInt32) throws(Errno) {
        _ = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
            try Syscall.check { Glibc.mknodat(dir.rawValue, cname, mode_t(mode), 0) }
        }
    }

    /// Removes the entry `name` (a directory with `directory`).
    /// The corresponding C function is `unlinkat(2)`.
    public static func remove(in dir: FileDescriptor, _ name: [UInt8], directory: Bool) throws(Errno) {
        _ = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
            try Syscall.check { Glibc.unlinkat(dir.rawValue, cname, directory ? AT_REMOVEDIR : 0) }
        }
    }

    /// How `rename` treats an existing destination.
    public enum RenameMode: Sendable {
        case replace, noReplace, exchange
    }

    /// The corresponding C function is `renameat2(2)`.
    public static func rename(
        in fromDir: FileDescriptor, _ fromName: [UInt8], to toDir: FileDescriptor, _ toName: [UInt8],
        _ mode: RenameMode
    ) throws(Errno) {
        let flags: UInt32 = switch mode {
        case .replace: 0
        case .noReplace: gatefs_RENAME_NOREPLACE
        case .exchange: gatefs_RENAME_EXCHANGE
        }
        _ = try Syscall.withCName(fromName) { (from) throws(Errno) -> Int32 in
            try Syscall.withCName(toName) { (to) throws(Errno) -> Int32 in
                try Syscall.check { gatefs_renameat2(fromDir.rawValue, from, toDir.rawValue, to, flags) }
            }
        }
    }

    /// The corresponding C function is `symlinkat(2)`.
    public static func makeSymlink(_ target: [UInt8], in dir: FileDescriptor, _ name: [UInt8]) throws(Errno) {
        _ = try Syscall.withCName(target) { (ctarget) throws(Errno) -> Int32 in
            try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
                try Syscall.check { Glibc.symlinkat(ctarget, dir.rawValue, cname) }
            }
        }
    }

    /// A new name `toName` for the entry `fromName` (never a symlink's
    /// target). The corresponding C function is `linkat(2)`.
    public static func link(
        in fromDir: FileDescriptor, _ fromName: [UInt8], to toDir: FileDescriptor, _ toName: [UInt8]
    ) throws(Errno) {
        _ = try Syscall.withCName(fromName) { (from) throws(Errno) -> Int32 in
            try Syscall.withCName(toName) { (to) throws(Errno) -> Int32 in
                try Syscall.check { Glibc.linkat(fromDir.rawValue, from, toDir.rawValue, to, 0) }
            }
        }
    }

    /// Sets the permission bits of the file `fd` names (an `O_PATH`
    /// descriptor too: through its /proc/self/fd entry, which resolves to the
    /// very inode the descriptor holds, not to a name).
    public static func setPermissions(of fd: FileDescriptor, _ mode: UInt32) throws(Errno) {
        _ = try Syscall.check { Glibc.chmod(procPath(fd), mode_t(mode)) }
    }

    /// Sets the owner of the file `fd` names (`O_PATH` included); nil leaves
    /// that id alone. The corresponding C function is `fchownat(2)` with
    /// `AT_EMPTY_PATH`.
    public static func setOwner(of fd: FileDescriptor, uid: UInt32?, gid: UInt32?) throws(Errno) {
        let keep = UInt32.max   // (uid_t)-1: unchanged
        _ = try Syscall.check {
            Glibc.fchownat(fd.rawValue, "", uid ?? keep, gid ?? keep, gatefs_AT_EMPTY_PATH | gatefs_AT_SYMLINK_NOFOLLOW)
        }
    }

    /// A time to set with `setTimes`: now, a given one, or unchanged.
    public enum TimeSetting: Sendable {
        case now, omit
        case at(seconds: Int64, nanoseconds: UInt32)

        var timespec: Glibc.timespec {
            switch self {
            case .now: Glibc.timespec(tv_sec: 0, tv_nsec: Int(gatefs_UTIME_NOW))
            case .omit: Glibc.timespec(tv_sec: 0, tv_nsec: Int(gatefs_UTIME_OMIT))
            case .at(let s, let ns): Glibc.timespec(tv_sec: Int(s), tv_nsec: Int(ns))
            }
        }
    }

    /// Sets the access and modification times of the file `fd` names, or,
    /// with `name`, of the entry `name` in the directory `fd` itself (a
    /// symlink is not followed). The corresponding C function is `utimensat(2)`.
    public static func setTimes(
        of fd: FileDescriptor, name: [UInt8]? = nil, access: TimeSetting, modification: TimeSetting
    ) throws(Errno) {
        let times = [access.timespec, modification.timespec]
        if let name {
            _ = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
                try Syscall.check { Glibc.utimensat(fd.rawValue, cname, times, gatefs_AT_SYMLINK_NOFOLLOW) }
            }
        } else {
            _ = try Syscall.check { Glibc.utimensat(AT_FDCWD, procPath(fd), times, 0) }
        }
    }

    /// The corresponding C function is `fallocate(2)`.
    public static func allocate(_ fd: FileDescriptor, mode: Int32, offset: Int64, length: Int64) throws(Errno) {
        _ = try Syscall.check { gatefs_fallocate(fd.rawValue, mode, offset, length) }
    }

    /// The corresponding C function is `fsetxattr(2)`.
    public static func setxattr(_ fd: FileDescriptor, _ name: [UInt8], _ value: UnsafeRawBufferPointer, flags: Int32)
        throws(Errno)
    {
        _ = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
            try Syscall.check { gatefs_fsetxattr(fd.rawValue, cname, value.baseAddress, value.count, flags) }
        }
    }

    /// The corresponding C function is `fremovexattr(2)`.
    public static func removexattr(_ fd: FileDescriptor, _ name: [UInt8]) throws(Errno) {
        _ = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
            try Syscall.check { gatefs_fremovexattr(fd.rawValue, cname) }
        }
    }

    /// Sets the process's file-creation mask; returns the old one.
    @discardableResult
    public static func setUmask(_ mask: UInt32) -> UInt32 {
        UInt32(Glibc.umask(mode_t(mask)))
    }

    /// The daemon's effective uid (0 when it runs as root).
    public static var effectiveUID: UInt32 { Glibc.geteuid() }

    private static func procPath(_ fd: FileDescriptor) -> String {
        "/proc/self/fd/\(fd.rawValue)"
    }
}
