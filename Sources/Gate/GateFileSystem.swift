import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import Synchronization
import SystemPackage

/// The filesystem: every FUSE operation, in Swift types.
///
/// Each op decodes its arguments, consults the inode table, asks the policy,
/// makes one `*at` syscall relative to a verified directory descriptor, and
/// enqueues an audit event. Ops throw `Errno` and never reply: replying is
/// the FUSE bridge's job.
public final class GateFileSystem: Sendable {
    public let settings: GateSettings
    let policy: Policy
    let table: InodeTable
    let handles = HandleTable()
    let secrets: SecretIdentities
    /// FUSE mounts inside the source, hidden without being touched.
    let mounts: MountGuard
    let audit: AuditLog?
    /// Held while a link is judged and made, and while a directory's links
    /// are judged and it is moved: no link can be made inside a directory
    /// between the check of its links and its move (`linksStayInside`).
    let linkChanges = Mutex<Void>(())
    /// Tells the kernel to drop a node's cached pages and attributes; the
    /// bridge sets it once the session exists.
    /// Held in a class, not as a bare function value in the `Mutex`: a
    /// function read out of generic storage is re-wrapped in a
    /// reabstraction thunk, and profiles showed chains of those per call.
    private let invalidator = Mutex<Invalidator?>(nil)
    /// The mountpoint as an entry of a directory inside the source:
    /// (identity of its parent directory, its name). Checked before any
    /// syscall touches the name, because stat-ing our own mountpoint from the
    /// daemon would call back into this very filesystem.
    let mountpointEntry: (parent: FileIdentity, name: [UInt8])?

    /// Opens the source root and prepares the tables. `mountpoint` is the
    /// absolute, canonical path the view will be mounted on.
    public init(settings: GateSettings, mountpoint: String, audit: AuditLog?) throws(Errno) {
        self.settings = settings
        self.policy = settings.policy
        self.audit = audit
        let rootFD = try Sys.openPath(settings.source, options: [.path, .directory, .noFollow])
        let rootStat = try Sys.stat(fd: rootFD.descriptor)
        table = InodeTable(
            rootFD: rootFD, rootStat: rootStat, rootCursor: settings.policy.root,
            fdCapacity: settings.directoryFDCapacity)
        let mountpointEntry = GateFileSystem.entry(of: mountpoint)
        self.mountpointEntry = mountpointEntry
        let mounts = MountGuard(source: settings.source, root: rootFD, mountpoint: mountpoint)
        self.mounts = mounts
        let policy = settings.policy
        secrets = SecretIdentities(
            fixed: policy.fixedStorePaths.map(\.path.segments), root: rootFD, isAuditFile: settings.isAuditFile
        ) { path in
            // Everything in a store counts but what an except carves out
            // and an allow shows (`.ssh/known_hosts`).
            policy.decide(Array(path.joined(separator: [UInt8(ascii: "/")])), isDirectory: false).visibility == .hidden
        }
        noteStoresNearRoot(rootStat)
        secrets.start()
        let box = WeakBox(self)
        secrets.startBackground { box.value?.revokeOpenSecrets() }
        mounts.startWatching()
    }

    /// Before the mount answers anything: every name at the root and one
    /// level below it that a secret or deny rule hides (`.ssh`, `.SSH`,
    /// `.ssh.bak`, `alice/.aws`) is noted, so the mount-time scan covers
    /// those stores and a hard link to a file in one is hidden from the
    /// first lookup, not only once the view has listed its directory.
    private func noteStoresNearRoot(_ rootStat: FileStat) {
        let root = JudgedDirectory(identity: rootStat.identity, mountID: rootStat.mountID, cursor: policy.root, fd: table.rootFD)
        for (name, st, cursor) in shownAfterNotingStores(in: root, at: []) {
            guard let cursor, let (fd, _) = try? reopen(name, in: table.rootFD, expecting: st.identity, as: .directory)
            else { continue }
            let dir = JudgedDirectory(identity: st.identity, mountID: st.mountID, cursor: cursor, fd: fd)
            _ = shownAfterNotingStores(in: dir, at: [name])
        }
    }

    /// Judges every name of one directory near the root: those a secret or
    /// deny rule hides are noted in the secret set; the shown ones are returned.
    private func shownAfterNotingStores(in dir: JudgedDirectory, at path: SourcePath) -> [([UInt8], FileStat, PolicyCursor?)] {
        guard let stream = try? Sys.reopenDirectory(dir.fd.descriptor),
              let names = try? Sys.directoryNames(stream.descriptor) else { return [] }
        var shown: [([UInt8], FileStat, PolicyCursor?)] = []
        for name in names.prefix(GateFileSystem.nearRootScanLimit) {
            switch try? judge(name, in: dir) {
            case .hidden(_, let store?)?:
                noteStore(store, named: name, in: { dir.fd }, under: { path })
            case .shown(let st, let cursor)?: shown.append((name, st, cursor))
            default: continue
            }
        }
        return shown
    }

    static let nearRootScanLimit = 100_000

    /// Sets how the gate makes the kernel drop a node's cached data.
    public func setInvalidator(_ body: @escaping @Sendable (InodeNumber) -> Void) {
        let box = Invalidator(body)
        invalidator.withLock { $0 = box }
    }

    /// After the secret set grew: every open file that is now a secret (the
    /// host hard-linked it into a store while it was open) is revoked, and
    /// the kernel drops its cached pages, so no further byte is served.
    func revokeOpenSecrets() {
        let invalidate = invalidator.withLock { $0 }
        for (_, file) in handles.openFiles() where !file.revoked.load(ordering: .relaxed) {
            guard secrets.isKnown(file.identity) else { continue }
            file.revoked.store(true, ordering: .relaxed)
            invalidate?.body(file.ino)
        }
    }

    /// After a change to a file's link count made through one of its names:
    /// the kernel holds each name of a hard-linked file as a node of its own,
    /// so the others' cached attributes (nlink, ctime) are dropped, as a
    /// native stat of another name would show the change at once.
    /// `also` is a node known to be one of those names (link's source,
    /// which may have been looked up while it had one link).
    func linkCountChanged(_ identity: FileIdentity, links: UInt32, also: InodeNumber? = nil) {
        guard links > 1 else { return }
        let invalidate = invalidator.withLock { $0 }
        for ino in table.linkedNodes(of: identity, also: also) { invalidate?.body(ino) }
    }

    private static func entry(of path: String) -> (parent: FileIdentity, name: [UInt8])? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        let parentPath = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = Array(path[path.index(after: slash)...].utf8)
        guard let fd = try? Sys.openPath(parentPath, options: [.path, .directory]),
              let st = try? Sys.stat(fd: fd.descriptor) else { return nil }
        return (st.identity, name)
    }

    // MARK: - Attributes

    /// The node's attributes as the view shows them: the inode number the
    /// settings ask for (the source's or the node id), and for a directory a
    /// link count of 1 ("unknown", as on btrfs), because the source's count
    /// includes hidden subdirectories. find(1) reads 1 as "do not infer leaf
    /// directories".
    func attributes(_ st: FileStat, as ino: InodeNumber) -> FileStat {
        var out = st
        if settings.inodeNumbers == .private { out.ino = ino.raw }
        if st.kind == .directory { out.nlink = 1 }
        return out
    }

    /// With `handle`, the attributes come from that open descriptor. A
    /// regular file whose name is gone (unlinked while open: fstat, which
    /// the kernel sends without a handle) answers from any handle of the
    /// node still open, nlink 0, as natively: it is the file open approved.
    public func getattr(_ ino: InodeNumber, handle: FileHandle? = nil) throws(Errno) -> (FileStat, Double) {
        guard let rec = table.record(ino) else { throw Errno.noSuchFileOrDirectory }
        let st: FileStat
        if let handle, let file = handles.file(handle), file.ino == ino {
            st = try Sys.stat(fd: file.fd.descriptor)
        } else if rec.kind == .directory {
            st = try Sys.stat(fd: try directoryFD(ino).descriptor)
        } else {
            do {
                st = try restat(rec, in: try directoryFD(rec.parent))
            } catch where error == .noSuchFileOrDirectory {
                guard let (_, file) = handles.openFiles().first(where: { $0.1.ino == ino }) else { throw error }
                st = try Sys.stat(fd: file.fd.descriptor)
            }
            table.noteAttributes(ino, ChangeStamp(st), links: st.nlink)
        }
        return (attributes(st, as: ino), settings.attrTimeout)
    }

    /// The source file system's free space, but none of its usage: used
    /// blocks and inodes would count hidden content, so the view reports a
    /// file system whose size is what is still free. `df` thus shows 0 used.
    /// Free space is rounded down to whole GiB and free inodes to 65,536, so
    /// creating or deleting hidden files moves them only when a boundary is
    /// crossed, not with every block.
    public func statfs(_ ino: InodeNumber) throws(Errno) -> FileSystemStats {
        var s = try Sys.statvfs(table.rootFD.descriptor)
        let unit = max(1, s.fragmentSize > 0 ? s.fragmentSize : s.blockSize)
        let blockQuantum = max(1, GateFileSystem.freeSpaceQuantum / unit)
        let blocks = s.availableBlocks / blockQuantum * blockQuantum
        let files = s.availableFiles / GateFileSystem.freeInodeQuantum * GateFileSystem.freeInodeQuantum
        s.blocks = blocks
        s.freeBlocks = blocks
        s.availableBlocks = blocks
        s.files = files
        s.freeFiles = files
        s.availableFiles = files
        s.fileSystemID = 0
        return s
    }

    static let freeSpaceQuantum: UInt64 = 1 << 30
    static let freeInodeQuantum: UInt64 = 65_536

    /// Write access only inside a grant (without one the kernel mount is
    /// `ro` and refuses it first). The bridge decodes access(2)'s mask into
    /// `wantsWrite` (its `W_OK` bit).
    public func access(_ ino: InodeNumber, wantsWrite: Bool) throws(Errno) {
        guard let rec = table.record(ino) else { throw Errno.noSuchFileOrDirectory }
        if wantsWrite && !decision(of: ino, rec).isWritable { throw Errno.readOnlyFileSystem }
    }

    public func forget(_ ino: InodeNumber, count: UInt64) {
        table.forget(ino, count: count)
    }

    /// Who the caps count a request against.
    func owner(_ caller: Caller?) -> HandleOwner {
        caller.map(settings.owner) ?? HandleOwner(process: 0, container: nil, uid: 0)
    }

    // MARK: - Audit

    func path(_ parent: InodeNumber, _ name: [UInt8]) -> [UInt8] {
        var p = table.path(of: parent)
        if p == [UInt8(ascii: ".")] { return name }
        p.append(UInt8(ascii: "/"))
        p.append(contentsOf: name)
        return p
    }

    func recordDeny(op: String, rule: String, path: [UInt8], caller: Caller?, errno: Errno = .noSuchFileOrDirectory) {
        audit?.record(.deny(op: op, rule: rule, errno: errno.rawValue), path: path, caller: caller)
    }
}

/// How the gate makes the kernel drop a node's cached data (set by the bridge).
final class Invalidator: Sendable {
    let body: @Sendable (InodeNumber) -> Void

    init(_ body: @escaping @Sendable (InodeNumber) -> Void) {
        self.body = body
    }
}
