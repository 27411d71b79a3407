import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import SystemPackage

extension GateFileSystem {
    /// Opens a directory for listing. A large listing whose directory has
    /// not changed since it was last read (same size, mtime and ctime) is
    /// left to the kernel's cache (`keepListing`), and the listing is
    /// logged here, since the kernel will not ask for it.
    public func opendir(_ ino: InodeNumber, caller: Caller?) throws(Errno) -> (FileHandle, keepListing: Bool) {
        guard let rec = table.record(ino), rec.kind == .directory else { throw Errno.notDirectory }
        let stream = try Sys.reopenDirectory(try directoryFD(ino).descriptor)
        let stamp = ChangeStamp(try Sys.stat(fd: stream.descriptor))
        let dir = OpenDirectory(stream: stream, ino: ino, stamp: stamp, owner: owner(caller))
        let path = table.path(of: ino)
        guard let fh = handles.insert(dir, caps: settings.handleCaps) else {
            audit?.record(.opendir(handle: 0, errno: Errno.tooManyOpenFiles.rawValue), path: path, caller: caller)
            throw Errno.tooManyOpenFiles
        }
        audit?.record(.opendir(handle: fh.raw, errno: 0), path: path, caller: caller)
        guard rec.stamp == stamp else { return (fh, false) }
        audit?.record(.readdir(entries: Int(rec.listedEntries)), path: path, caller: caller)
        return (fh, true)
    }

    public func releasedir(_ fh: FileHandle) {
        _ = handles.removeDirectory(fh)
    }

    /// Lists a directory from `offset`. `emit` adds one entry to the reply
    /// and returns false once the reply buffer is full. With `plus`, each
    /// emitted entry carries a lookup reference; one that did not fit is
    /// given back at once.
    ///
    /// Offsets: 1 is ".", 2 is "..", and 2 + i + 1 follows visible entry i.
    public func readdir(
        _ fh: FileHandle, offset: Int64, plus: Bool, caller: Caller?,
        emit: (_ item: DirectoryItem, _ entry: Entry?, _ attributes: FileStat?) -> Bool
    ) throws(Errno) {
        guard let dir = handles.directory(fh), let rec = table.record(dir.ino) else { throw Errno.badFileDescriptor }
        let items = try snapshot(dir, record: rec, restart: offset == 0, caller: caller)
        var next = offset
        let source = settings.inodeNumbers == .source
        if next < 1 {
            let st = FileStat.placeholder(kind: .directory, ino: source ? rec.identity.ino : dir.ino.raw)
            guard emit(DirectoryItem(name: [0x2E], kind: .directory, nextOffset: 1), nil, st) else { return }
            next = 1
        }
        if next < 2 {
            // A zero d_ino makes readdir(3) callers skip the entry: use the parent's node id.
            let parentIno = source ? table.record(rec.parent)?.identity.ino ?? rec.identity.ino : rec.parent.raw
            let st = FileStat.placeholder(kind: .directory, ino: parentIno)
            guard emit(DirectoryItem(name: [0x2E, 0x2E], kind: .directory, nextOffset: 2), nil, st) else { return }
            next = 2
        }
        var i = Int(next - 2)
        while i < items.count {
            let item = items[i]
            let listed = DirectoryItem(name: item.name, kind: item.stat.kind, nextOffset: Int64(i + 3))
            if plus {
                let entry = enter(item.name, in: dir.ino, stat: item.stat, cursor: item.cursor)
                if !emit(listed, entry, entry.attributes) {
                    forget(entry.ino, count: 1)
                    return
                }
            } else if !emit(listed, nil, source ? item.stat : nil) {
                return
            }
            i += 1
        }
    }

    private func snapshot(
        _ dir: OpenDirectory, record rec: InodeRecord, restart: Bool, caller: Caller?
    ) throws(Errno) -> [OpenDirectory.Item] {
        if !restart, let items = dir.snapshot.withLock({ $0 }) { return items }
        let parentFD = try directoryFD(dir.ino)
        try Sys.seek(dir.stream.descriptor, to: 0)
        let names = try Sys.directoryNames(dir.stream.descriptor)
        var items: [OpenDirectory.Item] = []
        items.reserveCapacity(names.count)
        for name in names {
            // A name that vanished or cannot be inspected is left out: fail closed.
            guard let verdict = try? classify(name, in: dir.ino, parent: rec, parentFD: parentFD) else { continue }
            if case .hidden(_, let store?) = verdict {
                noteStore(store, named: name, in: { parentFD }, under: { table.segments(of: dir.ino) })
            }
            guard case .shown(let st, let cursor) = verdict else { continue }
            items.append(OpenDirectory.Item(name: name, stat: st, cursor: cursor))
        }
        dir.snapshot.withLock { $0 = items }
        // The stamp was taken at opendir, before the names were read: a change
        // made since then makes the next opendir list again.
        table.noteListing(dir.ino, items.count >= settings.cachedListingMinimum ? (dir.stamp, items.count) : nil)
        audit?.record(.readdir(entries: items.count), path: table.path(of: dir.ino), caller: caller)
        return items
    }
}

extension FileStat {
    /// Attributes for "." and "..", which carry no lookup reference.
    static func placeholder(kind: FileKind, ino: UInt64) -> FileStat {
        FileStat(
            dev: 0, ino: ino, mode: kind == .directory ? 0o040000 : 0, nlink: 1, uid: 0, gid: 0, rdev: 0,
            size: 0, blocks: 0, blksize: 0, atime: .init(seconds: 0, nanoseconds: 0),
            mtime: .init(seconds: 0, nanoseconds: 0), ctime: .init(seconds: 0, nanoseconds: 0), mountID: 0)
    }
}
