import Glibc

/// The current log file and its rotated predecessors, as the writer sees them.
///
/// Created by `AuditLog.open` on the caller's thread, then owned by the
/// writer thread alone, hence a plain (non-Sendable) class.
final class AuditLogFile {
    let path: String
    private let rotateBytes: Int
    private let keep: Int
    private var fd: Int32
    /// Held (flock) for the writer's lifetime, so two daemons never interleave one chain.
    private let lockFD: Int32
    /// Bytes in the current file, as far as this writer knows.
    private(set) var size: Int
    /// The files of this log, for the gate to hide by identity.
    let identities: AuditFileIdentities

    /// A file a rotation deleted, and where its chain ended when readable.
    struct Deleted {
        var path: String
        var trailer: AuditChain.Trailer?
    }

    /// Where the chain continues, and what a crash left behind.
    struct Opened {
        var file: AuditLogFile
        var lastSeq: UInt64
        var lastHash: [UInt8]
        /// The torn last line that was cut off, if any (at most `tornKeep` bytes of it).
        var torn: [UInt8]?
        var tornBytes: Int
    }

    /// How much of a torn line is carried into the `recover` line.
    static let tornKeep = 64 << 10

    private init(path: String, rotateBytes: Int, keep: Int, fd: Int32, lockFD: Int32, size: Int) {
        self.path = path
        self.rotateBytes = rotateBytes
        self.keep = keep
        self.fd = fd
        self.lockFD = lockFD
        self.size = size
        var known = Set([fd, lockFD].compactMap(AuditFileIdentities.of(fd:)))
        for index in AuditFileSet.rotatedIndices(for: path) {
            if let identity = AuditFileIdentities.of(path: "\(path).\(index)") { known.insert(identity) }
        }
        identities = AuditFileIdentities(known)
    }

    /// Opens (creating 0600, parents 0700) and locks the log, cuts a torn tail,
    /// and finds where the chain left off: the last complete line of the
    /// current file, else of `path.1`, else genesis.
    ///
    /// Torn tail policy: a file that does not end in `\n` was cut by a crash
    /// mid-write. The partial line is truncated away so the file stays valid
    /// JSON Lines for every reader (`jq` included), and its bytes are preserved
    /// escaped in a `recover` line, which is itself chained.
    static func open(path: String, rotateBytes: Int, keep: Int) throws(AuditLogError) -> Opened {
        try makeParentDirectories(of: path)
        let lockFD = Syscall.open(path + ".lock", O_RDWR | O_CREAT | O_NOFOLLOW, 0o600)
        guard lockFD >= 0 else { throw AuditLogError(operation: "create lock file", path: path + ".lock", errno: errno) }
        if Syscall.retrying({ flock(lockFD, LOCK_EX | LOCK_NB) }) != 0 {
            let code = errno
            _ = Glibc.close(lockFD)
            if code == EWOULDBLOCK {
                throw AuditLogError(operation: "lock", path: path, errno: 0, detail: "another gatefs process is writing this log; give each mount its own log file")
            }
            throw AuditLogError(operation: "lock", path: path, errno: code)
        }
        do {
            return try openLocked(path: path, rotateBytes: rotateBytes, keep: keep, lockFD: lockFD)
        } catch {
            _ = Glibc.close(lockFD)
            throw error
        }
    }

    private static func openLocked(path: String, rotateBytes: Int, keep: Int, lockFD: Int32) throws(AuditLogError) -> Opened {
        // O_NOFOLLOW: the log path must not be redirectable by a planted symlink.
        let fd = Syscall.open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw AuditLogError(operation: "open", path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw AuditLogError(operation: "stat", path: path, errno: code)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            _ = Glibc.close(fd)
            throw AuditLogError(operation: "open", path: path, errno: 0, detail: "not a regular file")
        }
        // An audit log readable by others leaks what the agent looked at.
        if info.st_mode & 0o077 != 0 { _ = fchmod(fd, 0o600) }

        let file = AuditLogFile(path: path, rotateBytes: rotateBytes, keep: keep, fd: fd, lockFD: lockFD, size: Int(info.st_size))
        var opened = Opened(file: file, lastSeq: 0, lastHash: AuditChain.genesis, torn: nil, tornBytes: 0)
        do {
            let end = try file.cutTornTail(into: &opened)
            if let tail = try lastTrailer(fd: fd, size: end, path: path) {
                opened.lastSeq = tail.seq
                opened.lastHash = tail.hash
            } else if end == 0, let tail = try previousFileTrailer(path: path + ".1") {
                opened.lastSeq = tail.seq
                opened.lastHash = tail.hash
            }
        } catch {
            // The caller still owns `lockFD` and closes it.
            _ = Glibc.close(fd)
            throw error
        }
        return opened
    }

    /// Truncates a partial last line; returns the new size.
    private func cutTornTail(into opened: inout Opened) throws(AuditLogError) -> Int {
        guard size > 0 else { return 0 }
        guard let last = Syscall.pread(fd, count: 1, at: size - 1), last.count == 1 else {
            throw AuditLogError(operation: "read", path: path, errno: errno)
        }
        if last[0] == 0x0A { return size }
        let keepEnd = try Self.lastNewline(fd: fd, before: size, path: path).map { $0 + 1 } ?? 0
        let tornBytes = size - keepEnd
        guard let torn = Syscall.pread(fd, count: min(tornBytes, Self.tornKeep), at: keepEnd) else {
            throw AuditLogError(operation: "read", path: path, errno: errno)
        }
        guard Syscall.retrying({ ftruncate(fd, off_t(keepEnd)) }) == 0 else {
            throw AuditLogError(operation: "truncate torn line of", path: path, errno: errno)
        }
        opened.torn = torn
        opened.tornBytes = tornBytes
        size = keepEnd
        return keepEnd
    }

    /// The offset of the last `\n` strictly before `end`, or nil.
    static func lastNewline(fd: Int32, before end: Int, path: String) throws(AuditLogError) -> Int? {
        let chunk = 64 << 10
        var upper = end
        while upper > 0 {
            let lower = max(0, upper - chunk)
            guard let bytes = Syscall.pread(fd, count: upper - lower, at: lower) else {
                throw AuditLogError(operation: "read", path: path, errno: errno)
            }
            if let index = bytes.lastIndex(of: 0x0A) { return lower + index }
            upper = lower
        }
        return nil
    }

    /// The chain fields of the last line of a file that ends in `\n` at `size`.
    static func lastTrailer(fd: Int32, size: Int, path: String) throws(AuditLogError) -> AuditChain.Trailer? {
        guard size > 0 else { return nil }
        let start = try lastNewline(fd: fd, before: size - 1, path: path).map { $0 + 1 } ?? 0
        guard let line = Syscall.pread(fd, count: size - 1 - start, at: start) else {
            throw AuditLogError(operation: "read", path: path, errno: errno)
        }
        guard let trailer = AuditChain.trailer(of: line) else {
            throw AuditLogError(operation: "continue", path: path, errno: 0,
                                detail: "its last line is not a gatefs audit record; move the file aside to start a new chain")
        }
        return trailer
    }

    private static func previousFileTrailer(path: String) throws(AuditLogError) -> AuditChain.Trailer? {
        let fd = Syscall.open(path, O_RDONLY | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return try lastTrailer(fd: fd, size: completeLength(fd: fd, size: Int(info.st_size), path: path), path: path)
    }

    /// The length up to and including the last newline: a rotated file
    /// normally ends in "\n"; tolerate one that does not.
    static func completeLength(fd: Int32, size: Int, path: String) throws(AuditLogError) -> Int {
        guard size > 0, let last = Syscall.pread(fd, count: 1, at: size - 1), last.first != 0x0A else { return size }
        return try lastNewline(fd: fd, before: size, path: path).map { $0 + 1 } ?? 0
    }

    /// `mkdir -p` with mode 0700 for every directory it creates.
    private static func makeParentDirectories(of path: String) throws(AuditLogError) {
        var components = path.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast()
        var current = path.hasPrefix("/") ? "" : "."
        for component in components where !component.isEmpty {
            current += "/" + component
            if Syscall.retrying({ mkdir(current, 0o700) }) != 0 && errno != EEXIST {
                throw AuditLogError(operation: "create directory", path: current, errno: errno)
            }
        }
    }

    /// Writes all of `bytes`; on failure returns the errno and how much was
    /// written, so a retry resumes instead of duplicating a prefix.
    func write(_ bytes: UnsafeRawBufferPointer) -> (written: Int, errno: Int32) {
        if fd < 0 {
            // A rotation that could not create the new file: try again now.
            do {
                try createCurrent()
            } catch {
                return (0, error.errno == 0 ? EIO : error.errno)
            }
        }
        var offset = 0
        while offset < bytes.count {
            let n = Syscall.retrying { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                size += offset
                return (offset, errno)
            }
            offset += n
        }
        size += offset
        return (offset, 0)
    }

    /// Whether a line of `count` more bytes belongs in the next file.
    func wouldOverflow(adding count: Int, pending: Int) -> Bool {
        size + pending > 0 && size + pending + count > rotateBytes
    }

    /// Shifts `path.i` to `path.i+1`, deletes what falls beyond `keep`, moves
    /// the current file to `path.1` and starts an empty one (with `keep` 0,
    /// deletes the current file instead). The chain simply continues into
    /// the new file. Returns the files it deleted, so the writer can log
    /// them, and the error if the new file could not be created (`write`
    /// then tries again).
    func rotate() -> (deleted: [Deleted], error: AuditLogError?) {
        _ = Syscall.retrying { fsync(fd) }
        var deleted: [Deleted] = []
        // Stale files beyond `keep` (from a larger `keep` earlier) would make
        // the verifier see a gap, so they go too; `path.keep` is overwritten
        // by the shift below, so it is deleted first, explicitly.
        for index in AuditFileSet.rotatedIndices(for: path) where index >= max(keep, 1) {
            deleted.append(delete("\(path).\(index)"))
        }
        if keep > 0 {
            _ = Glibc.close(fd)
            fd = -1
            for index in stride(from: keep - 1, through: 1, by: -1) {
                _ = Glibc.rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            _ = Glibc.rename(path, "\(path).1")
        } else {
            deleted.append(delete(path))
            _ = Glibc.close(fd)
            fd = -1
        }
        // The next lines belong to the new file even if creating it fails
        // now (`write` retries): never rotate again because of the old size.
        size = 0
        var failure: AuditLogError?
        do {
            try createCurrent()
        } catch {
            failure = error
        }
        syncDirectory()
        return (deleted, failure)
    }

    /// Unlinks `name`, reading first where its chain ended. Its identity
    /// leaves the set unless another hard link keeps its content alive.
    private func delete(_ name: String) -> Deleted {
        let fd = Syscall.open(name, O_RDONLY | O_NOFOLLOW)
        var info = stat()
        var trailer: AuditChain.Trailer?
        if fd >= 0 {
            if fstat(fd, &info) == 0 {
                trailer = try? Self.lastTrailer(fd: fd, size: Self.completeLength(fd: fd, size: Int(info.st_size), path: name), path: name)
            }
            _ = Glibc.close(fd)
        }
        if Glibc.unlink(name) == 0, fd >= 0, info.st_nlink <= 1 {
            identities.remove(AuditFileIdentities.Identity(dev: UInt64(info.st_dev), ino: UInt64(info.st_ino)))
        }
        return Deleted(path: name, trailer: trailer)
    }

    /// Creates the new current file so that its identity is in `identities`
    /// before it has a name: an unnamed file (`O_TMPFILE`), fstat, insert,
    /// then `linkat` into place. Where the file system has no `O_TMPFILE`
    /// (or a file already took the name), it falls back to `open(O_CREAT)`
    /// and inserts before anything is written.
    private func createCurrent() throws(AuditLogError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let unnamed = Syscall.open(directory.isEmpty ? "/" : directory, Self.tmpfileFlag | O_RDWR | O_APPEND, 0o600)
        if unnamed >= 0 {
            if let identity = AuditFileIdentities.of(fd: unnamed) {
                identities.insert(identity)
                if Syscall.retrying({ linkat(AT_FDCWD, "/proc/self/fd/\(unnamed)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) }) == 0 {
                    fd = unnamed
                    size = 0
                    return
                }
                identities.remove(identity)
            }
            _ = Glibc.close(unnamed)
        }
        let named = Syscall.open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW, 0o600)
        guard named >= 0 else { throw AuditLogError(operation: "open", path: path, errno: errno) }
        var info = stat()
        guard fstat(named, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            _ = Glibc.close(named)
            throw AuditLogError(operation: "open", path: path, errno: 0, detail: "not a regular file")
        }
        identities.insert(AuditFileIdentities.Identity(dev: UInt64(info.st_dev), ino: UInt64(info.st_ino)))
        fd = named
        size = Int(info.st_size)
    }

    /// `__O_TMPFILE` without `O_DIRECTORY` (the C macro does not import):
    /// 020000000 on every Linux architecture Swift runs on.
    private static let tmpfileFlag: Int32 = 0o20000000 | O_DIRECTORY

    /// Makes the renames durable too, not just the data.
    private func syncDirectory() {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let dirFD = Syscall.open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY)
        guard dirFD >= 0 else { return }
        _ = Syscall.retrying { fsync(dirFD) }
        _ = Glibc.close(dirFD)
    }

    func dataSync() {
        if fd >= 0 { _ = Syscall.retrying { fdatasync(fd) } }
    }

    func sync() {
        if fd >= 0 { _ = Syscall.retrying { fsync(fd) } }
    }

    /// Closes the file and releases the lock.
    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        _ = Glibc.close(lockFD)
    }

    var isOpen: Bool { fd >= 0 }
}
