import Glibc

/// The project's own list of POSIX checks for the write path, by category
/// after pjdfstest's (chflags and granular left out: BSD only). Written from
/// the POSIX and Linux man pages; every check runs as root unless its body
/// says `asUser`.
enum PosixChecks {
    static var all: [PosixCheck] {
        openChecks + chmodChecks + chownChecks + utimensatChecks + truncateChecks + ftruncateChecks
            + fallocateChecks + linkChecks + unlinkChecks + mkdirChecks + rmdirChecks + mkfifoChecks
            + mknodChecks + symlinkChecks + renameChecks
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
