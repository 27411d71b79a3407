import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import SystemPackage

extension GateFileSystem {
    /// Opens a regular file for reading. The name is resolved again relative
    /// to its parent's verified descriptor, without following symlinks, and
    /// the opened file must be the very file lookup approved: a swap between
    /// lookup and open (a symlink, a hard link to a secret, a FIFO) fails.
    ///
    /// The kernel's cached pages of the file are never kept, so every read
    /// reaches the daemon and the log. `attributesStale` says the file
    /// changed since its attributes were last sent (a file grown on the
    /// host): the kernel must drop them, or it cuts reads at the old size.
    public func open(_ ino: InodeNumber, flags: OpenFlags, caller: Caller?) throws(Errno) -> OpenedFile {
        guard let rec = table.record(ino) else { throw Errno.noSuchFileOrDirectory }
        let path = table.path(of: ino)
        do throws(Errno) {
            let (file, st) = flags.changesFile
                ? try openForWrite(ino, rec, flags: flags, caller: caller)
                : try openForRead(ino, rec, path: path, caller: caller)
            guard let (fh, concurrent) = handles.insert(file, caps: settings.handleCaps) else {
                throw Errno.tooManyOpenFiles
            }
            audit?.record(.open(mode: flags.mode, handle: fh.raw, errno: 0), path: path, caller: caller)
            return OpenedFile(
                handle: fh, attributesStale: table.exchangeStamp(ino, ChangeStamp(st)), directIO: concurrent)
        } catch {
            audit?.record(.open(mode: flags.mode, handle: 0, errno: error.rawValue), path: path, caller: caller)
            throw error
        }
    }

    private func openForRead(_ ino: InodeNumber, _ rec: InodeRecord, path: [UInt8], caller: Caller?) throws(Errno) -> (OpenFile, FileStat) {
        guard rec.kind == .regular else { throw Errno.permissionDenied }
        let (fd, st) = try reopen(rec, in: try directoryFD(rec.parent), as: .readableFile)
        guard st.kind == .regular else { throw Errno.staleNFSFileHandle }
        if let rule = secrets.rule(for: st) {
            recordDeny(op: "open", rule: rule, path: path, caller: caller)
            throw Errno.noSuchFileOrDirectory
        }
        return (OpenFile(fd: fd, ino: ino, stat: st, path: path, owner: owner(caller)), st)
    }

    /// Hands the bridge the descriptor to splice from, and records the read.
    /// The byte count is what the splice will return, bounded by the file's
    /// size. The size seen at open is reused while reads stay within it (no
    /// stat per read); a read reaching past it stats the file again. A file
    /// truncated while open can therefore be counted a little high.
    public func read(_ fh: FileHandle, offset: Int64, size: Int, caller: Caller?) throws(Errno) -> ReadSource {
        guard let file = handles.file(fh) else { throw Errno.badFileDescriptor }
        if file.revoked.load(ordering: .relaxed) {
            recordDeny(op: "read", rule: "hardlink-secret", path: file.path, caller: caller, errno: .permissionDenied)
            throw Errno.permissionDenied
        }
        if let audit {
            var fileSize = file.knownSize.load(ordering: .relaxed)
            if UInt64(offset) + UInt64(size) > fileSize {
                fileSize = try Sys.stat(fd: file.fd.descriptor).size
                file.knownSize.store(fileSize, ordering: .relaxed)
            }
            let available = max(0, Int64(bitPattern: fileSize) - offset)
            let bytes = UInt64(min(Int64(size), available))
            file.reads.add(1, ordering: .relaxed)
            file.bytes.add(bytes, ordering: .relaxed)
            if audit.readLogging == .all {
                audit.record(
                    .read(handle: fh.raw, offset: UInt64(offset), size: UInt32(clamping: size), bytes: bytes),
                    path: file.path, caller: caller)
            }
        }
        return ReadSource(fd: file.fd.descriptor, offset: offset, size: size)
    }

    public func release(_ fh: FileHandle, caller: Caller?) {
        guard let file = handles.removeFile(fh) else { return }
        audit?.record(
            .close(handle: fh.raw, reads: file.reads.load(ordering: .relaxed), bytes: file.bytes.load(ordering: .relaxed), written: file.writeTotals),
            path: file.path, caller: caller)
    }

    /// Called once the session has ended: the kernel sends RELEASE
    /// asynchronously after close(2), so a handle may still be open when a
    /// signal stops the loop. Each gets its `close` line here, so the log
    /// has exactly one close per open.
    public func releaseAll() {
        for (fh, file) in handles.drain() {
            audit?.record(
                .close(handle: fh.raw, reads: file.reads.load(ordering: .relaxed), bytes: file.bytes.load(ordering: .relaxed), written: file.writeTotals),
                path: file.path, caller: nil)
        }
    }

    /// Extended attributes of a shown node. They belong to the file itself;
    /// a hidden node never gets this far, so no hidden name leaks through them.
    ///
    /// A value served (not a size probe) is logged, except the `system.*`
    /// and `security.*` metadata (ACLs, labels) that `ls -l` asks of every
    /// file: `user.*` values can carry any data.
    public func getxattr(_ ino: InodeNumber, name: [UInt8], size: Int, caller: Caller?) throws(Errno) -> [UInt8] {
        let fd = try readableFD(ino)
        let value = try Sys.getxattr(fd.descriptor, name, size: size)
        if size > 0, !name.starts(with: Array("system.".utf8)), !name.starts(with: Array("security.".utf8)) {
            audit?.record(.xattr(name: name, bytes: value.count), path: table.path(of: ino), caller: caller)
        }
        return value
    }

    public func listxattr(_ ino: InodeNumber) throws(Errno) -> [UInt8] {
        let fd = try readableFD(ino)
        return try Sys.listxattr(fd.descriptor)
    }

    func readableFD(_ ino: InodeNumber) throws(Errno) -> OwnedFD {
        guard let rec = table.record(ino) else { throw Errno.noSuchFileOrDirectory }
        switch rec.kind {
        case .directory:
            return try Sys.reopenDirectory(try directoryFD(ino).descriptor)
        case .regular:
            return try reopen(rec, in: try directoryFD(rec.parent), as: .readableFile).fd
        default:
            throw Errno.noData
        }
    }
}
