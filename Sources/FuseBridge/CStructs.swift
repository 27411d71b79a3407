import CFuse
import Gate
import GateSystem
import Glibc

// The C structs libfuse's reply calls take, built from the gate's Swift values.

extension Glibc.stat {
    init(_ a: FileStat) {
        self.init()
        st_dev = UInt(a.dev)
        st_ino = UInt(a.ino)
        st_mode = a.mode
        st_nlink = UInt(a.nlink)
        st_uid = a.uid
        st_gid = a.gid
        st_rdev = UInt(a.rdev)
        st_size = Int(bitPattern: UInt(a.size))
        st_blocks = Int(bitPattern: UInt(a.blocks))
        st_blksize = Int(a.blksize)
        st_atim = timespec(tv_sec: Int(a.atime.seconds), tv_nsec: Int(a.atime.nanoseconds))
        st_mtim = timespec(tv_sec: Int(a.mtime.seconds), tv_nsec: Int(a.mtime.nanoseconds))
        st_ctim = timespec(tv_sec: Int(a.ctime.seconds), tv_nsec: Int(a.ctime.nanoseconds))
    }
}

extension fuse_entry_param {
    /// A positive entry: the node, its generation and attributes, and how
    /// long the kernel may cache them.
    init(_ e: Entry) {
        self.init()
        ino = fuse_ino_t(e.ino.raw)
        generation = e.generation.raw
        attr = Glibc.stat(e.attributes)
        attr_timeout = e.attrTimeout
        entry_timeout = e.entryTimeout
    }

    /// A negative entry (node id 0): the kernel may remember for `timeout`
    /// seconds that the name does not exist.
    init(negativeTimeout timeout: Double) {
        self.init()
        entry_timeout = timeout
    }
}

extension Glibc.statvfs {
    init(_ s: FileSystemStats) {
        self.init()
        f_bsize = UInt(s.blockSize)
        f_frsize = UInt(s.fragmentSize)
        f_blocks = fsblkcnt_t(s.blocks)
        f_bfree = fsblkcnt_t(s.freeBlocks)
        f_bavail = fsblkcnt_t(s.availableBlocks)
        f_files = fsfilcnt_t(s.files)
        f_ffree = fsfilcnt_t(s.freeFiles)
        f_favail = fsfilcnt_t(s.availableFiles)
        f_namemax = UInt(s.maxNameLength)
        f_fsid = UInt(s.fileSystemID)
    }
}
