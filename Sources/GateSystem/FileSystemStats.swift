/// A file system's size and free space, as statvfs(3) reports them: the
/// fields a FUSE statfs reply carries, plus the inodes free to unprivileged
/// users and the file system id.
public struct FileSystemStats: Sendable, Hashable {
    /// `f_bsize`, the preferred I/O size.
    public var blockSize: UInt64
    /// `f_frsize`, the unit the block counts are in.
    public var fragmentSize: UInt64
    public var blocks: UInt64
    public var freeBlocks: UInt64
    /// Free blocks an unprivileged user may use (`f_bavail`).
    public var availableBlocks: UInt64
    public var files: UInt64
    public var freeFiles: UInt64
    /// Free inodes an unprivileged user may use (`f_favail`).
    public var availableFiles: UInt64
    /// `f_namemax`.
    public var maxNameLength: UInt64
    /// `f_fsid`.
    public var fileSystemID: UInt64

    public init(
        blockSize: UInt64, fragmentSize: UInt64, blocks: UInt64, freeBlocks: UInt64, availableBlocks: UInt64,
        files: UInt64, freeFiles: UInt64, availableFiles: UInt64, maxNameLength: UInt64, fileSystemID: UInt64
    ) {
        self.blockSize = blockSize
        self.fragmentSize = fragmentSize
        self.blocks = blocks
        self.freeBlocks = freeBlocks
        self.availableBlocks = availableBlocks
        self.files = files
        self.freeFiles = freeFiles
        self.availableFiles = availableFiles
        self.maxNameLength = maxNameLength
        self.fileSystemID = fileSystemID
    }
}
