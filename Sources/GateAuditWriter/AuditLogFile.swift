import GateAuditFormat
import GateSystem
import SystemPackage

/// The current log file and its rotated predecessors, as the writer sees them.
///
/// Created by `AuditLog.open` on the caller's thread, then owned by the
/// writer thread alone, hence a plain (non-Sendable) class. Its descriptors
/// close when it goes away, and with the lock's the lock is released.
final class AuditLogFile {
    let path: String
    private let rotateBytes: Int
    private let keep: Int
    /// Nil after a rotation that could not create the new file (`write` retries).
    private var fd: OwnedFD?
    /// Held (flock) for the writer's lifetime, so two daemons never interleave one chain.
    private var lockFD: OwnedFD?
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

    private static let ownerOnly: FilePermissions = [.ownerReadWrite]

    private init(path: String, rotateBytes: Int, keep: Int, fd: OwnedFD, lockFD: OwnedFD, size: Int) {
        self.path = path
        self.rotateBytes = rotateBytes
        self.keep = keep
        self.fd = fd
        self.lockFD = lockFD
        self.size = size
        var known = Set([fd.descriptor, lockFD.descriptor].compactMap(AuditFileIdentities.of(fd:)))
        for index in Self.rotatedIndices(of: path) {
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
        let lockPath = path + ".lock"
        let lockFD = try attempt("create lock file", lockPath) { () throws(Errno) in
            try Sys.openPath(lockPath, .readWrite, options: [.create, .noFollow], permissions: ownerOnly)
        }
        do {
            try Sys.lockExclusive(lockFD.descriptor)
        } catch .wouldBlock {
            throw AuditLogError(operation: "lock", path: path, errno: 0, detail: "another gatefs process is writing this log; give each mount its own log file")
        } catch {
            throw AuditLogError(operation: "lock", path: path, errno: error.rawValue)
        }
        return try openLocked(path: path, rotateBytes: rotateBytes, keep: keep, lockFD: lockFD)
    }

    /// Runs `body`, naming `operation` and `path` in the error it may throw.
    private static func attempt<T>(_ operation: String, _ path: String, _ body: () throws(Errno) -> T) throws(AuditLogError) -> T {
        do {
            return try body()
        } catch {
            throw AuditLogError(operation: operation, path: path, errno: error.rawValue)
        }
    }

    private static func openLocked(path: String, rotateBytes: Int, keep: Int, lockFD: OwnedFD) throws(AuditLogError) -> Opened {
        // O_NOFOLLOW: the log path must not be redirectable by a planted symlink.
        let fd = try attempt("open", path) { () throws(Errno) in
            try Sys.openPath(path, .readWrite, options: [.create, .append, .noFollow], permissions: ownerOnly)
        }
        let info = try attempt("stat", path) { () throws(Errno) in try Sys.stat(fd: fd.descriptor) }
        guard info.kind == .regular else {
            throw AuditLogError(operation: "open", path: path, errno: 0, detail: "not a regular file")
        }
        // An audit log readable by others leaks what the agent looked at:
        // refuse to write one that cannot be made private.
        if info.mode & 0o077 != 0 {
            try attempt("restrict to its owner", path) { () throws(Errno) in try Sys.setPermissions(fd.descriptor, ownerOnly) }
        }

        let file = AuditLogFile(path: path, rotateBytes: rotateBytes, keep: keep, fd: fd, lockFD: lockFD, size: Int(info.size))
        var opened = Opened(file: file, lastSeq: 0, lastHash: AuditChain.genesis, torn: nil, tornBytes: 0)
        let end = try file.cutTornTail(fd: fd.descriptor, into: &opened)
        if let tail = try lastTrailer(fd: fd.descriptor, size: end, path: path) {
            opened.lastSeq = tail.seq
            opened.lastHash = tail.hash
        } else if end == 0, let tail = try previousFileTrailer(path: path + ".1") {
            opened.lastSeq = tail.seq
            opened.lastHash = tail.hash
        }
        return opened
    }

    /// Truncates a partial last line; returns the new size.
    private func cutTornTail(fd: FileDescriptor, into opened: inout Opened) throws(AuditLogError) -> Int {
        guard size > 0 else { return 0 }
        let last = try Self.attempt("read", path) { () throws(Errno) in try Sys.pread(fd, count: 1, at: size - 1) }
        guard last.count == 1 else { throw AuditLogError(operation: "read", path: path, errno: 0, detail: "the file shrank while opening it") }
        if last[0] == 0x0A { return size }
        let keepEnd = try Self.lastNewline(fd: fd, before: size, path: path).map { $0 + 1 } ?? 0
        let tornBytes = size - keepEnd
        let torn = try Self.attempt("read", path) { () throws(Errno) in
            try Sys.pread(fd, count: min(tornBytes, Self.tornKeep), at: keepEnd)
        }
        try Self.attempt("truncate torn line of", path) { () throws(Errno) in try Sys.truncate(fd, to: keepEnd) }
        opened.torn = torn
        opened.tornBytes = tornBytes
        size = keepEnd
        return keepEnd
    }

    /// The offset of the last `\n` strictly before `end`, or nil.
    static func lastNewline(fd: FileDescriptor, before end: Int, path: String) throws(AuditLogError) -> Int? {
        let chunk = 64 << 10
        var upper = end
        while upper > 0 {
            let lower = max(0, upper - chunk)
            let bytes = try attempt("read", path) { () throws(Errno) in try Sys.pread(fd, count: upper - lower, at: lower) }
            if let index = bytes.lastIndex(of: 0x0A) { return lower + index }
            upper = lower
        }
        return nil
    }

    /// The chain fields of the last line of a file that ends in `\n` at `size`.
    static func lastTrailer(fd: FileDescriptor, size: Int, path: String) throws(AuditLogError) -> AuditChain.Trailer? {
        guard size > 0 else { return nil }
        let start = try lastNewline(fd: fd, before: size - 1, path: path).map { $0 + 1 } ?? 0
        let line = try attempt("read", path) { () throws(Errno) in try Sys.pread(fd, count: size - 1 - start, at: start) }
        guard let trailer = AuditChain.trailer(of: line) else {
            throw AuditLogError(operation: "continue", path: path, errno: 0,
                                detail: "its last line is not a gatefs audit record; move the file aside to start a new chain")
        }
        return trailer
    }

    /// The last line's chain fields of a rotated file, or nil when there is
    /// no such file (or it cannot be opened: then the chain starts afresh).
    private static func previousFileTrailer(path: String) throws(AuditLogError) -> AuditChain.Trailer? {
        guard let raw = try? Sys.openPath(path, .readOnly, options: .noFollow) else { return nil }
        let fd = raw
        guard let info = try? Sys.stat(fd: fd.descriptor) else { return nil }
        return try lastTrailer(fd: fd.descriptor, size: completeLength(fd: fd.descriptor, size: Int(info.size), path: path), path: path)
    }

    /// The length up to and including the last newline: a rotated file
    /// normally ends in "\n"; tolerate one that does not.
    static func completeLength(fd: FileDescriptor, size: Int, path: String) throws(AuditLogError) -> Int {
        guard size > 0, let last = try? Sys.pread(fd, count: 1, at: size - 1), last.first != 0x0A else { return size }
        return try lastNewline(fd: fd, before: size, path: path).map { $0 + 1 } ?? 0
    }

    /// `mkdir -p` with mode 0700 for every directory it creates.
    private static func makeParentDirectories(of path: String) throws(AuditLogError) {
        var components = path.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast()
        var current = path.hasPrefix("/") ? "" : "."
        for component in components where !component.isEmpty {
            current += "/" + component
            do {
                try Sys.makeDirectory(current, permissions: [.ownerReadWriteExecute])
            } catch .fileExists {
                continue
            } catch {
                throw AuditLogError(operation: "create directory", path: current, errno: error.rawValue)
            }
        }
    }

    /// The N of every `path.N` next to the log, ascending.
    private static func rotatedIndices(of path: String) -> [Int] {
        // An unlistable directory hides no rotated file we could act on.
        AuditFileSet.rotatedIndices(of: path, among: (try? Sys.directoryNames(atPath: AuditFileSet.directory(of: path))) ?? [])
    }
}

extension AuditLogFile {
    /// Writes all of `bytes`; on failure returns the errno and how much was
    /// written, so a retry resumes instead of duplicating a prefix.
    func write(_ bytes: UnsafeRawBufferPointer) -> (written: Int, errno: Int32) {
        if fd == nil {
            // A rotation that could not create the new file: try again now.
            do {
                try createCurrent()
            } catch {
                return (0, error.errno == 0 ? Errno.ioError.rawValue : error.errno)
            }
        }
        guard let fd else { return (0, Errno.ioError.rawValue) }
        var offset = 0
        while offset < bytes.count {
            do {
                offset += try Sys.write(fd.descriptor, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            } catch {
                size += offset
                return (offset, error.rawValue)
            }
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
    /// them, and what went wrong: that the new file could not be created
    /// (`write` then tries again), else the first file that could not be
    /// moved or deleted, or the directory that could not be synced.
    /// Call `sync()` first: the old file's last lines must be on disk.
    func rotate() -> (deleted: [Deleted], error: AuditLogError?) {
        var deleted: [Deleted] = []
        var failure: AuditLogError?
        func note(_ operation: String, _ name: String, _ body: () throws(Errno) -> Void) {
            do {
                try body()
            } catch .noSuchFileOrDirectory {
                // Fewer rotated files than `keep` exist yet, or one was deleted by hand.
            } catch {
                if failure == nil { failure = AuditLogError(operation: operation, path: name, errno: error.rawValue) }
            }
        }
        // Stale files beyond `keep` (from a larger `keep` earlier) would make
        // the verifier see a gap, so they go too; `path.keep` is overwritten
        // by the shift below, so it is deleted first, explicitly.
        for index in Self.rotatedIndices(of: path) where index >= max(keep, 1) {
            deleted.append(delete("\(path).\(index)", note))
        }
        fd = nil
        if keep > 0 {
            for index in stride(from: keep - 1, through: 1, by: -1) {
                note("rotate", "\(path).\(index)") { () throws(Errno) in try Sys.rename("\(path).\(index)", to: "\(path).\(index + 1)") }
            }
            note("rotate", path) { () throws(Errno) in try Sys.rename(path, to: "\(path).1") }
        } else {
            deleted.append(delete(path, note))
        }
        // The next lines belong to the new file even if creating it fails
        // now (`write` retries): never rotate again because of the old size.
        size = 0
        do {
            try createCurrent()
        } catch {
            failure = error
        }
        note("sync the directory of", path) { () throws(Errno) in try syncDirectory() }
        return (deleted, failure)
    }

    /// Unlinks `name`, reading first where its chain ended. Its identity
    /// leaves the set unless another hard link keeps its content alive.
    private func delete(_ name: String, _ note: (String, String, () throws(Errno) -> Void) -> Void) -> Deleted {
        var info: FileStat?
        var trailer: AuditChain.Trailer?
        if let raw = try? Sys.openPath(name, .readOnly, options: .noFollow) {
            let fd = raw
            info = try? Sys.stat(fd: fd.descriptor)
            if let info {
                // Unreadable: the rotate line then names the file without its last seq and hash.
                trailer = try? Self.lastTrailer(fd: fd.descriptor, size: Self.completeLength(fd: fd.descriptor, size: Int(info.size), path: name), path: name)
            }
        }
        var unlinked = false
        note("delete", name) { () throws(Errno) in
            try Sys.unlink(name)
            unlinked = true
        }
        if unlinked, let info, info.nlink <= 1 {
            identities.remove(info.identity)
        }
        return Deleted(path: name, trailer: trailer)
    }

    /// Creates the new current file so that its identity is in `identities`
    /// before it has a name: an unnamed file (`O_TMPFILE`), fstat, insert,
    /// then `linkat` into place. Where the file system has no `O_TMPFILE`
    /// (or a file already took the name), it falls back to `open(O_CREAT)`
    /// and inserts before anything is written.
    private func createCurrent() throws(AuditLogError) {
        if let raw = try? Sys.openUnnamedFile(inDirectory: AuditFileSet.directory(of: path), permissions: Self.ownerOnly) {
            let unnamed = raw
            if let identity = AuditFileIdentities.of(fd: unnamed.descriptor) {
                identities.insert(identity)
                if (try? Sys.link(unnamed.descriptor, to: path)) != nil {
                    fd = unnamed
                    size = 0
                    return
                }
                identities.remove(identity)
            }
        }
        let named = try Self.attempt("open", path) { () throws(Errno) in
            try Sys.openPath(path, .readWrite, options: [.create, .append, .noFollow], permissions: Self.ownerOnly)
        }
        guard let info = try? Sys.stat(fd: named.descriptor), info.kind == .regular else {
            throw AuditLogError(operation: "open", path: path, errno: 0, detail: "not a regular file")
        }
        identities.insert(info.identity)
        fd = named
        size = Int(info.size)
    }

    /// Makes the renames durable too, not just the data.
    private func syncDirectory() throws(Errno) {
        let dir = try Sys.openPath(AuditFileSet.directory(of: path), .readOnly, options: .directory)
        try Sys.sync(dir.descriptor)
    }

    /// The data written so far to disk (not the metadata): the writer's
    /// periodic flush. Nil, or the errno of the failure.
    func dataSync() -> Errno? {
        flush(Sys.dataSync)
    }

    /// Everything written so far, and the file's size, to disk.
    func sync() -> Errno? {
        flush(Sys.sync)
    }

    private func flush(_ call: (FileDescriptor) throws(Errno) -> Void) -> Errno? {
        guard let fd else { return nil }
        do {
            try call(fd.descriptor)
            return nil
        } catch {
            return error
        }
    }

    /// Closes the file and releases the lock.
    func close() {
        fd = nil
        lockFD = nil
    }

    var isOpen: Bool { fd != nil }
}
