/// The attributes of a file as statx(2) reports them, plus its mount id.
public struct FileStat: Sendable, Hashable {
    public var dev: UInt64
    public var ino: UInt64
    public var mode: UInt32
    public var nlink: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var rdev: UInt64
    public var size: UInt64
    public var blocks: UInt64
    public var blksize: UInt32
    public var atime: Timestamp
    public var mtime: Timestamp
    public var ctime: Timestamp
    /// The id of the mount the file lies on (`STATX_MNT_ID`), 0 if unknown.
    public var mountID: UInt64

    public struct Timestamp: Sendable, Hashable {
        public var seconds: Int64
        public var nanoseconds: UInt32
        public init(seconds: Int64, nanoseconds: UInt32) {
            self.seconds = seconds
            self.nanoseconds = nanoseconds
        }
    }

    public init(
        dev: UInt64, ino: UInt64, mode: UInt32, nlink: UInt32, uid: UInt32, gid: UInt32, rdev: UInt64,
        size: UInt64, blocks: UInt64, blksize: UInt32, atime: Timestamp, mtime: Timestamp, ctime: Timestamp,
        mountID: UInt64
    ) {
        self.dev = dev
        self.ino = ino
        self.mode = mode
        self.nlink = nlink
        self.uid = uid
        self.gid = gid
        self.rdev = rdev
        self.size = size
        self.blocks = blocks
        self.blksize = blksize
        self.atime = atime
        self.mtime = mtime
        self.ctime = ctime
        self.mountID = mountID
    }

    public var kind: FileKind { FileKind(mode: mode) }
    public var identity: FileIdentity { FileIdentity(dev: dev, ino: ino) }
}

/// What makes a file the same file: (st_dev, st_ino).
public struct FileIdentity: Sendable, Hashable {
    public var dev: UInt64
    public var ino: UInt64
    public init(dev: UInt64, ino: UInt64) {
        self.dev = dev
        self.ino = ino
    }
}
