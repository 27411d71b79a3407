import CFuse
import Gate
import GateSystem
import Glibc
import SystemPackage

/// The answer to one FUSE request. It is non-copyable and every reply method
/// consumes it, so the compiler proves each request is answered at most
/// once; one dropped without an answer replies EIO from its deinit, so a
/// request is never left hanging in the kernel.
struct Reply: ~Copyable {
    let req: fuse_req_t

    init(_ req: fuse_req_t) { self.req = req }

    deinit { _ = fuse_reply_err(req, EIO) }

    consuming func error(_ e: Errno) {
        _ = fuse_reply_err(req, e.rawValue)
        discard self
    }

    consuming func ok() {
        _ = fuse_reply_err(req, 0)
        discard self
    }

    consuming func none() {
        fuse_reply_none(req)
        discard self
    }

    consuming func entry(_ e: Entry) {
        var param = fuse_entry_param()
        param.ino = fuse_ino_t(e.ino.raw)
        param.generation = 0
        param.attr = stat(e.attributes)
        param.attr_timeout = e.attrTimeout
        param.entry_timeout = e.entryTimeout
        _ = fuse_reply_entry(req, &param)
        discard self
    }

    /// A negative entry: the kernel may remember for `timeout` seconds that the name does not exist.
    consuming func negativeEntry(timeout: Double) {
        var param = fuse_entry_param()
        param.ino = 0
        param.entry_timeout = timeout
        _ = fuse_reply_entry(req, &param)
        discard self
    }

    consuming func attr(_ st: FileStat, timeout: Double) {
        var s = stat(st)
        _ = fuse_reply_attr(req, &s, timeout)
        discard self
    }

    /// `cacheListing` (directories): the kernel may cache the listing it
    /// reads through this handle; `keepCache` keeps what it cached before;
    /// `directIO` (files): reads through this handle bypass the page cache.
    consuming func open(
        _ fh: FileHandle, info: UnsafeMutablePointer<fuse_file_info>, keepCache: Bool, cacheListing: Bool = false,
        directIO: Bool = false
    ) {
        info.pointee.fh = fh.raw
        gatefs_fi_set_open_flags(info, keepCache ? 1 : 0, cacheListing ? 1 : 0, directIO ? 1 : 0)
        _ = fuse_reply_open(req, info)
        discard self
    }

    consuming func bytes(_ buffer: UnsafeRawBufferPointer) {
        _ = fuse_reply_buf(req, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
        discard self
    }

    consuming func bytes(_ array: [UInt8]) {
        array.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { _ = fuse_reply_buf(req, $0.baseAddress, $0.count) }
        }
        discard self
    }

    consuming func splice(_ source: ReadSource) {
        _ = gatefs_reply_fd_data(req, source.fd.rawValue, off_t(source.offset), source.size)
        discard self
    }

    consuming func readlink(_ target: [UInt8]) {
        var bytes = target
        bytes.append(0)
        bytes.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { _ = fuse_reply_readlink(req, $0.baseAddress) }
        }
        discard self
    }

    consuming func statfs(_ s: Glibc.statvfs) {
        var copy = s
        _ = fuse_reply_statfs(req, &copy)
        discard self
    }

    consuming func xattrSize(_ size: Int) {
        _ = fuse_reply_xattr(req, size)
        discard self
    }
}

/// libfuse's `struct stat` from the gate's attributes.
func stat(_ a: FileStat) -> stat {
    var s = Glibc.stat()
    s.st_dev = UInt(a.dev)
    s.st_ino = UInt(a.ino)
    s.st_mode = a.mode
    s.st_nlink = UInt(a.nlink)
    s.st_uid = a.uid
    s.st_gid = a.gid
    s.st_rdev = UInt(a.rdev)
    s.st_size = Int(bitPattern: UInt(a.size))
    s.st_blocks = Int(bitPattern: UInt(a.blocks))
    s.st_blksize = Int(a.blksize)
    s.st_atim = timespec(tv_sec: Int(a.atime.seconds), tv_nsec: Int(a.atime.nanoseconds))
    s.st_mtim = timespec(tv_sec: Int(a.mtime.seconds), tv_nsec: Int(a.mtime.nanoseconds))
    s.st_ctim = timespec(tv_sec: Int(a.ctime.seconds), tv_nsec: Int(a.ctime.nanoseconds))
    return s
}
