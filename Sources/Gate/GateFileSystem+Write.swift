import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import SystemPackage

extension GateFileSystem {
    /// Creates and opens a regular file inside a write grant (open(2) with
    /// `O_CREAT` of a name the kernel does not know). The file is made with
    /// `O_EXCL` from the verified parent, so it never follows a symlink and
    /// never opens a file the kernel did not check: a name that exists after
    /// all (made on the host meanwhile) is refused (`refuseExisting`).
    public func create(
        _ parentIno: InodeNumber, _ name: [UInt8], mode: UInt32, flags: OpenFlags, caller: Caller?
    ) throws(Errno) -> (Entry, OpenedFile) {
        let target = try writeTarget(parentIno, name, isDirectory: false, op: "create", caller: caller)
        let access: FileDescriptor.AccessMode = flags.mode == .readWrite ? .readWrite : .writeOnly
        let permissions = GateFileSystem.grantedMode(mode, kind: .regular)
        let fd: OwnedFD
        do {
            fd = try Sys.createFile(
                in: target.dir.descriptor, name, access, permissions: permissions,
                options: ReopenedAs.writableFile(access, append: flags.append).options)
        } catch where error == .fileExists {
            try refuseExisting(target, op: "create", caller: caller)
        }
        try assignOwner(fd.descriptor, caller: caller, in: target)
        let st = try Sys.stat(fd: fd.descriptor)
        let entry = enter(name, in: parentIno, stat: st, cursor: nil)
        let path = path(parentIno, name)
        let file = OpenFile(fd: fd, ino: entry.ino, stat: st, path: path, owner: owner(caller), writable: true)
        guard let (fh, concurrent) = handles.insert(file, caps: settings.handleCaps) else {
            removeCreated(name, in: target.dir, identity: st.identity)
            forget(entry.ino, count: 1)
            throw Errno.tooManyOpenFiles
        }
        audit?.record(.change(.create(mode: permissions, handle: fh.raw)), path: path, caller: caller)
        return (entry, OpenedFile(handle: fh, attributesStale: false, directIO: concurrent))
    }

    /// Takes back a file `create` made but could not hand out; only if the
    /// name still holds it.
    private func removeCreated(_ name: [UInt8], in dir: OwnedFD, identity: FileIdentity) {
        guard let st = try? Sys.stat(in: dir.descriptor, name), st.identity == identity else { return }
        try? Sys.remove(in: dir.descriptor, name, directory: false)
    }

    /// Opens an existing regular file for writing, inside a write grant:
    /// the name is re-opened write-only or read-write from its verified
    /// parent and checked to be the file lookup approved, and not a secret's
    /// identity, before `O_TRUNC` is applied.
    /// Without a grant the answer is EROFS, which the `open` line records.
    func openForWrite(
        _ ino: InodeNumber, _ rec: InodeRecord, flags: OpenFlags, caller: Caller?
    ) throws(Errno) -> (OpenFile, FileStat) {
        guard decision(of: ino, rec).isWritable else { throw Errno.readOnlyFileSystem }
        guard rec.kind == .regular else { throw Errno.permissionDenied }
        let access: FileDescriptor.AccessMode = flags.mode == .readWrite ? .readWrite : .writeOnly
        let (fd, st) = try reopen(rec, in: try directoryFD(rec.parent), as: .writableFile(access, append: flags.append))
        guard st.kind == .regular else { throw Errno.staleNFSFileHandle }
        let path = table.path(of: ino)
        if let rule = secrets.rule(for: st) {
            recordDeny(op: "open", rule: rule, path: path, caller: caller)
            throw Errno.noSuchFileOrDirectory
        }
        var opened = st
        if flags.truncate {
            // The kernel passes O_TRUNC on (atomic_o_trunc) instead of a
            // setattr, so the truncation gets the setattr line it would have.
            try Sys.truncate(fd.descriptor, to: 0)
            opened = try Sys.stat(fd: fd.descriptor)
            audit?.record(.change(.setattr(AttributeChange(size: 0))), path: path, caller: caller)
        }
        return (OpenFile(fd: fd, ino: ino, stat: opened, path: path, owner: owner(caller), writable: true), opened)
    }

    /// One write request: `body` moves the request's data into the
    /// descriptor at `offset` (the bridge splices or copies it there) and
    /// returns the bytes written, which the `write` line records.
    public func write(
        _ fh: FileHandle, offset: Int64, size: Int, caller: Caller?,
        _ body: (FileDescriptor, Int64) throws(Errno) -> Int
    ) throws(Errno) -> Int {
        guard let file = handles.file(fh), file.writable else { throw Errno.badFileDescriptor }
        if file.revoked.load(ordering: .relaxed) {
            recordDeny(op: "write", rule: "hardlink-secret", path: file.path, caller: caller, errno: .permissionDenied)
            throw Errno.permissionDenied
        }
        let written = try body(file.fd.descriptor, offset)
        file.writes.add(1, ordering: .relaxed)
        file.written.add(UInt64(written), ordering: .relaxed)
        audit?.record(
            .write(handle: fh.raw, offset: UInt64(offset), size: UInt32(clamping: size), bytes: UInt64(written)),
            path: file.path, caller: caller)
        return written
    }

    /// fsync(2) of a handle (`dataOnly`: fdatasync). A read-only handle has
    /// nothing of the view's to flush, but the source's pages are synced all the same.
    public func fsync(_ fh: FileHandle, dataOnly: Bool) throws(Errno) {
        guard let file = handles.file(fh) else { throw Errno.badFileDescriptor }
        if dataOnly { try Sys.dataSync(file.fd.descriptor) } else { try Sys.sync(file.fd.descriptor) }
    }

    /// fsync(2) of a directory handle.
    public func fsyncdir(_ fh: FileHandle, dataOnly: Bool) throws(Errno) {
        guard let dir = handles.directory(fh) else { throw Errno.badFileDescriptor }
        if dataOnly { try Sys.dataSync(dir.stream.descriptor) } else { try Sys.sync(dir.stream.descriptor) }
    }

    /// fallocate(2) on a writable handle, logged with its range and mode.
    public func fallocate(_ fh: FileHandle, mode: Int32, offset: Int64, length: Int64, caller: Caller?) throws(Errno) {
        guard let file = handles.file(fh), file.writable else { throw Errno.badFileDescriptor }
        if file.revoked.load(ordering: .relaxed) {
            recordDeny(op: "fallocate", rule: "hardlink-secret", path: file.path, caller: caller, errno: .permissionDenied)
            throw Errno.permissionDenied
        }
        try Sys.allocate(file.fd.descriptor, mode: mode, offset: offset, length: length)
        audit?.record(
            .change(.fallocate(handle: fh.raw, offset: UInt64(offset), length: UInt64(length), mode: mode)),
            path: file.path, caller: caller)
    }
}
