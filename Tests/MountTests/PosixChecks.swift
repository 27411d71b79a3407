import Glibc

/// The project's own list of POSIX checks for the write path, by category
/// after pjdfstest's (chflags and granular left out: BSD only). Written from
/// the POSIX and Linux man pages; every check runs as root unless its body
/// says `asUser`.
enum PosixChecks {
    static var all: [PosixCheck] {
        openChecks + chmodChecks + chownChecks + utimensatChecks + truncateChecks + ftruncateChecks
            + fallocateChecks + linkChecks + unlinkChecks + mkdirChecks + rmdirChecks + mkfifoChecks
            + mknodChecks + symlinkChecks + renameChecks + pathErrorChecks
    }

    /// Every call that takes a path, on the three ways a path itself is
    /// wrong: a missing parent, a parent that is a file, a name over NAME_MAX.
    static let pathErrorChecks: [PosixCheck] = [
        pathErrors("chmod") { Glibc.chmod($0, 0o600) },
        pathErrors("chown") { Glibc.chown($0, 1, 1) },
        pathErrors("truncate") { Glibc.truncate($0, 0) },
        pathErrors("link") { Glibc.link($1, $0) },
        pathErrors("unlink") { Glibc.unlink($0) },
        pathErrors("mkdir") { Glibc.mkdir($0, 0o755) },
        pathErrors("rmdir") { Glibc.rmdir($0) },
        pathErrors("mkfifo") { Glibc.mkfifo($0, 0o644) },
        pathErrors("mknod") { Glibc.mknod($0, S_IFIFO | 0o600, 0) },
        pathErrors("symlink") { Glibc.symlink("target", $0) },
        pathErrors("utimensat") { utimens($0, (1, 0), (1, 0)) },
        pathErrors("open") { Glibc.open($0, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) },
        pathErrors("rename") { Glibc.rename($1, $0) },
    ].flatMap { $0 }

    /// `call(path, existing)` gets the bad path and, for calls that take a
    /// second one (link, rename), an existing file.
    private static func pathErrors(_ category: String, _ call: @escaping @Sendable (String, String) -> Int32) -> [PosixCheck] {
        [
            ("ENOENT-parent-missing", "missing/x"), ("ENOTDIR-parent-is-file", "f/x"), ("ENAMETOOLONG", PosixCheck.longName),
        ].map { name, path in
            PosixCheck("\(category)/\(name)") { p in
                p.file("f")
                let rc = p.call(category, call(p[path], p["f"]))
                // A descriptor from a call that should have failed is not left open.
                if category == "open" && rc >= 0 { close(rc) }
            }
        }
    }

    private static func pathErrors(_ category: String, _ call: @escaping @Sendable (String) -> Int32) -> [PosixCheck] {
        pathErrors(category) { path, _ in call(path) }
    }

    // Constants Swift's Glibc module cannot import (macros behind _GNU_SOURCE).
    static let utimeNow = 0x3fff_ffff
    static let utimeOmit = 0x3fff_fffe
    static let fallocKeepSize: Int32 = 1
    static let fallocPunchHole: Int32 = 2
    static let atSymlinkFollow: Int32 = 0x400

    /// utimensat(2) with the two times given as (seconds, nanoseconds).
    static func utimens(_ path: String, _ atime: (Int, Int), _ mtime: (Int, Int), flags: Int32 = 0) -> Int32 {
        var ts = [timespec(tv_sec: atime.0, tv_nsec: atime.1), timespec(tv_sec: mtime.0, tv_nsec: mtime.1)]
        return utimensat(AT_FDCWD, path, &ts, flags)
    }

    /// fallocate(2), looked up with dlsym: Swift's Glibc module does not declare it.
    static func fallocate(_ fd: Int32, _ mode: Int32, _ offset: Int, _ length: Int) -> Int32 {
        typealias Fn = @convention(c) (Int32, Int32, Int64, Int64) -> Int32
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "fallocate") else { fatalError("libc has no fallocate") }
        return unsafeBitCast(p, to: Fn.self)(fd, mode, Int64(offset), Int64(length))
    }

    /// The device number for (major, minor) below 256 each, as makedev(3) packs it.
    static func device(_ major: UInt64, _ minor: UInt64) -> dev_t {
        dev_t((major << 8) | minor)
    }
}
