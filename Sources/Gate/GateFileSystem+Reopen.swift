import GateSystem
import SystemPackage

/// What the gate re-opens an approved name as. Only `writableFile` can
/// change the file, and only an op inside a write grant asks for it.
enum ReopenedAs {
    /// An O_PATH directory descriptor, to resolve names in (never read).
    case directory
    /// An O_PATH descriptor of the node itself, whatever its kind (a symlink
    /// is not followed): to change its attributes through.
    case node
    /// A regular file for reading. Non-blocking, so a FIFO swapped in for
    /// the file cannot stall the open before its identity is checked; and
    /// never the daemon's controlling terminal.
    case readableFile
    /// A regular file for writing (and reading, with `.readWrite`), as
    /// non-blocking as `readableFile`; `append` makes every write land at
    /// the end of the file as it is on disk, not as the kernel last saw it.
    case writableFile(FileDescriptor.AccessMode, append: Bool)

    var access: FileDescriptor.AccessMode {
        switch self {
        case .directory, .node, .readableFile: .readOnly
        case .writableFile(let access, _): access
        }
    }

    var options: FileDescriptor.OpenOptions {
        switch self {
        case .directory: [.path, .directory]
        case .node: [.path]
        case .readableFile: [.nonBlocking, .noControllingTerminal]
        case .writableFile(_, let append):
            append ? [.nonBlocking, .noControllingTerminal, .append] : [.nonBlocking, .noControllingTerminal]
        }
    }
}

extension GateFileSystem {
    /// An O_PATH descriptor for the directory node `ino`, from the cache or
    /// re-opened from its parent by name and checked to be the same directory.
    ///
    /// Iterative, never recursive: a chain of evicted ancestors (a tree
    /// thousands of levels deep) is climbed to the nearest cached one, then
    /// re-opened downwards one level at a time.
    func directoryFD(_ ino: InodeNumber) throws(Errno) -> OwnedFD {
        if let fd = table.cachedDirectoryFD(ino) { return fd }
        var pending: [(InodeNumber, InodeRecord)] = []
        var current = ino
        var base: OwnedFD
        while true {
            guard let rec = table.record(current), rec.kind == .directory else { throw Errno.noSuchFileOrDirectory }
            pending.append((current, rec))
            if let fd = table.cachedDirectoryFD(rec.parent) { base = fd; break }
            current = rec.parent
        }
        for (node, rec) in pending.reversed() {
            base = try reopen(rec, in: base, as: .directory).fd
            base = table.cacheDirectoryFD(node, base)
        }
        return base
    }

    /// Opens the node's name in its parent's descriptor and checks it is
    /// still the object lookup approved: the name may now refer to another
    /// file (renamed or swapped on the host), and then the node the kernel
    /// holds is gone (ESTALE).
    func reopen(_ rec: InodeRecord, in parentFD: OwnedFD, as kind: ReopenedAs) throws(Errno) -> (fd: OwnedFD, stat: FileStat) {
        try reopen(rec.name, in: parentFD, expecting: rec.identity, as: kind)
    }

    /// Opens `name` in `dir` (openat2: no symlinks, no mount crossing) and
    /// checks it is `identity`, the object a lookup or a stat approved:
    /// ESTALE if the host swapped it since.
    func reopen(
        _ name: [UInt8], in dir: OwnedFD, expecting identity: FileIdentity, as kind: ReopenedAs
    ) throws(Errno) -> (fd: OwnedFD, stat: FileStat) {
        try GateFileSystem.checking(identity) { () throws(Errno) in
            let fd = try Sys.open(in: dir.descriptor, name, kind.access, options: kind.options)
            return (fd, try Sys.stat(fd: fd.descriptor))
        }
    }

    /// The node's attributes, read by name in its parent's descriptor (no
    /// descriptor of its own is opened), checked like `reopen`.
    func restat(_ rec: InodeRecord, in parentFD: OwnedFD) throws(Errno) -> FileStat {
        try GateFileSystem.checking(rec.identity) { () throws(Errno) in
            (fd: (), stat: try Sys.stat(in: parentFD.descriptor, rec.name))
        }.stat
    }

    /// Reaching an approved name again: if it has meanwhile become a symlink
    /// (ELOOP), a mount point (EXDEV), a non-directory (ENOTDIR) or another
    /// file, what was approved is gone. For a node the kernel holds, ESTALE
    /// makes the kernel look the name up again, so the caller gets the fresh
    /// decision (and the log its deny line) instead of an error that hints
    /// at what is there now; the other callers treat every failure alike.
    private static func checking<T>(
        _ identity: FileIdentity, _ body: () throws(Errno) -> (fd: T, stat: FileStat)
    ) throws(Errno) -> (fd: T, stat: FileStat) {
        let reached: (fd: T, stat: FileStat)
        do {
            reached = try body()
        } catch where error == .tooManySymbolicLinkLevels || error == .improperLink || error == .notDirectory {
            throw Errno.staleNFSFileHandle
        }
        guard reached.stat.identity == identity else { throw Errno.staleNFSFileHandle }
        return reached
    }
}
