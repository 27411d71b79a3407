import CGateSys
import Glibc
import SystemPackage

/// The system calls gatefs makes, typed and funnelled through `Syscall.check`.
///
/// Every name-based call is relative to a directory descriptor: gatefs never
/// resolves a path string from the root of the file system, and never follows
/// a symlink on the daemon's side. Each call that opens a file hands back an
/// `OwnedFD`, which closes it.
public enum Sys {
    /// Opens `name` in `dir` without following symlinks or crossing mounts.
    ///
    /// `RESOLVE_NO_SYMLINKS` makes a symlink anywhere in the resolution fail
    /// (or, with `O_PATH|O_NOFOLLOW`, returns the link itself);
    /// `RESOLVE_NO_XDEV` refuses to step onto another mount, so a bind mount
    /// of `~/.ssh` under an allowed folder cannot be entered.
    /// The corresponding C function is `openat2(2)`.
    public static func open(
        in dir: FileDescriptor, _ name: [UInt8], _ mode: FileDescriptor.AccessMode = .readOnly,
        options: FileDescriptor.OpenOptions = [], crossMounts: Bool = false
    ) throws(Errno) -> OwnedFD {
        var resolve = gatefs_RESOLVE_BENEATH | gatefs_RESOLVE_NO_SYMLINKS | gatefs_RESOLVE_NO_MAGICLINKS
        if !crossMounts { resolve |= gatefs_RESOLVE_NO_XDEV }
        let flags = mode.rawValue | options.rawValue | gatefs_O_NOFOLLOW | gatefs_O_CLOEXEC
        let how = UInt64(UInt32(bitPattern: flags))
        let raw = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
            try Syscall.check { gatefs_openat2(dir.rawValue, cname, how, 0, resolve) }
        }
        return OwnedFD(adopting: FileDescriptor(rawValue: raw))
    }

    /// Opens a path from the daemon's own side (mount setup only: the source
    /// root, the mountpoint, files of /proc, and the audit log's own files
    /// outside the source; `permissions` apply with `.create`). The corresponding C
    /// function is `open(2)`.
    public static func openPath(
        _ path: String, _ mode: FileDescriptor.AccessMode = .readOnly, options: FileDescriptor.OpenOptions = [],
        permissions: FilePermissions = []
    ) throws(Errno) -> OwnedFD {
        let raw = try Syscall.check {
            Glibc.open(path, mode.rawValue | options.rawValue | gatefs_O_CLOEXEC, permissions.rawValue)
        }
        return OwnedFD(adopting: FileDescriptor(rawValue: raw))
    }

    /// Re-opens a directory held as an `O_PATH` descriptor for reading.
    /// `openat(fd, "")` does not work on O_PATH fds; `"."` resolves inside the
    /// directory itself and cannot leave it.
    public static func reopenDirectory(_ pathFD: FileDescriptor) throws(Errno) -> OwnedFD {
        let raw = try Syscall.check {
            Glibc.openat(pathFD.rawValue, ".", O_RDONLY | gatefs_O_DIRECTORY | gatefs_O_CLOEXEC | O_NONBLOCK)
        }
        return OwnedFD(adopting: FileDescriptor(rawValue: raw))
    }

    /// Attributes of `name` in `dir`, never following a symlink.
    /// The corresponding C function is `statx(2)`.
    public static func stat(in dir: FileDescriptor, _ name: [UInt8]) throws(Errno) -> FileStat {
        var out = gatefs_stat()
        _ = try Syscall.withCName(name) { (cname) throws(Errno) -> Int32 in
            try Syscall.check { gatefs_statx(dir.rawValue, cname, gatefs_AT_SYMLINK_NOFOLLOW, &out) }
        }
        return FileStat(out)
    }

    /// Attributes of an open descriptor (O_PATH descriptors included).
    public static func stat(fd: FileDescriptor) throws(Errno) -> FileStat {
        var out = gatefs_stat()
        _ = try Syscall.check { gatefs_statx(fd.rawValue, "", gatefs_AT_EMPTY_PATH | gatefs_AT_SYMLINK_NOFOLLOW, &out) }
        return FileStat(out)
    }

    /// The target of the symlink `name` in `dir`, as raw bytes.
    /// The corresponding C function is `readlinkat(2)`.
    public static func readlink(in dir: FileDescriptor, _ name: [UInt8]) throws(Errno) -> [UInt8] {
        var capacity = 256
        while true {
            let bytes = try Syscall.withCName(name) { (cname) throws(Errno) -> [UInt8] in
                try [UInt8](unsafeUninitializedCapacity: capacity) { buf, count throws(Errno) in
                    let n = try Syscall.check {
                        buf.withMemoryRebound(to: CChar.self) { Glibc.readlinkat(dir.rawValue, cname, $0.baseAddress!, capacity) }
                    }
                    count = n
                }
            }
            if bytes.count < capacity { return bytes }
            capacity *= 4
            if capacity > 65536 { throw Errno.fileNameTooLong }
        }
    }

    /// Reads directory entries into `buffer`; returns the bytes filled, 0 at the end.
    /// The corresponding C function is `getdents64(2)`.
    public static func getdents(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try Syscall.check { gatefs_getdents64(fd.rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Moves an open file's offset to `offset` bytes from its start; a
    /// directory moved to 0 is read again from its first entry.
    /// The corresponding C function is `lseek(2)`.
    public static func seek(_ fd: FileDescriptor, to offset: Int64) throws(Errno) {
        _ = try Syscall.check { Glibc.lseek(fd.rawValue, off_t(offset), SEEK_SET) }
    }

    /// Every name in an open directory (read from its current offset, so
    /// `seek` it to 0 first if it was read before), without "." and "..".
    public static func directoryNames(_ fd: FileDescriptor) throws(Errno) -> [[UInt8]] {
        var names: [[UInt8]] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = try getdents(fd, into: buffer)
            if n == 0 { return names }
            forEachDirent(UnsafeRawBufferPointer(rebasing: buffer[..<n])) { _, _, cname in
                let name = Array(UnsafeRawBufferPointer(start: cname, count: strlen(cname)))
                if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
            }
        }
    }

    /// Walks the records of a getdents64 buffer.
    public static func forEachDirent(
        _ buffer: UnsafeRawBufferPointer, _ body: (_ ino: UInt64, _ type: UInt8, _ name: UnsafePointer<CChar>) -> Void
    ) {
        var offset = 0
        while offset < buffer.count {
            var ino: UInt64 = 0
            var reclen: UInt16 = 0
            var type: UInt8 = 0
            var name: UnsafePointer<CChar>? = nil
            gatefs_dirent_fields(buffer.baseAddress! + offset, &ino, &reclen, &type, &name)
            body(ino, type, name!)
            offset += Int(reclen)
        }
    }

    /// The corresponding C function is `fstatvfs(3)`.
    public static func statvfs(_ fd: FileDescriptor) throws(Errno) -> FileSystemStats {
        var out = Glibc.statvfs()
        _ = try Syscall.check { Glibc.fstatvfs(fd.rawValue, &out) }
        return FileSystemStats(
            blockSize: UInt64(out.f_bsize), fragmentSize: UInt64(out.f_frsize), blocks: UInt64(out.f_blocks),
            freeBlocks: UInt64(out.f_bfree), availableBlocks: UInt64(out.f_bavail), files: UInt64(out.f_files),
            freeFiles: UInt64(out.f_ffree), availableFiles: UInt64(out.f_favail), maxNameLength: UInt64(out.f_namemax),
            fileSystemID: UInt64(out.f_fsid))
    }

    /// The corresponding C function is `fgetxattr(2)`; `size` 0 asks for the length.
    public static func getxattr(_ fd: FileDescriptor, _ name: [UInt8], size: Int) throws(Errno) -> [UInt8] {
        try Syscall.withCName(name) { (cname) throws(Errno) -> [UInt8] in
            if size == 0 {
                let n = try Syscall.check { gatefs_fgetxattr(fd.rawValue, cname, nil, 0) }
                return [UInt8](repeating: 0, count: n)   // only the length is used
            }
            return try [UInt8](unsafeUninitializedCapacity: size) { buf, count throws(Errno) in
                count = try Syscall.check { gatefs_fgetxattr(fd.rawValue, cname, buf.baseAddress, size) }
            }
        }
    }

    /// The corresponding C function is `flistxattr(2)`.
    public static func listxattr(_ fd: FileDescriptor) throws(Errno) -> [UInt8] {
        let n = try Syscall.check { gatefs_flistxattr(fd.rawValue, nil, 0) }
        if n == 0 { return [] }
        return try [UInt8](unsafeUninitializedCapacity: n * 2) { buf, count throws(Errno) in
            count = try Syscall.check { buf.withMemoryRebound(to: CChar.self) { gatefs_flistxattr(fd.rawValue, $0.baseAddress, n * 2) } }
        }
    }
}

extension FileStat {
    init(_ s: gatefs_stat) {
        self.init(
            dev: s.dev, ino: s.ino, mode: s.mode, nlink: s.nlink, uid: s.uid, gid: s.gid, rdev: s.rdev,
            size: s.size, blocks: s.blocks, blksize: s.blksize,
            atime: Timestamp(seconds: s.atime_sec, nanoseconds: s.atime_nsec),
            mtime: Timestamp(seconds: s.mtime_sec, nanoseconds: s.mtime_nsec),
            ctime: Timestamp(seconds: s.ctime_sec, nanoseconds: s.ctime_nsec),
            mountID: s.mount_id)
    }
}
