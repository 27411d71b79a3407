import GateAuditFormat
import GatePolicy
import GateSystem
import SystemPackage

extension GateFileSystem {
    /// Decides one name in a directory node. lookup and readdir both go
    /// through here, so a name is hidden in a listing exactly when lookup
    /// refuses it; a symlink is shown only when its target resolves.
    func classify(
        _ name: [UInt8], in parentIno: InodeNumber, parent: InodeRecord, parentFD: OwnedFD
    ) throws(Errno) -> Classification {
        let dir = JudgedDirectory(identity: parent.identity, mountID: parent.mountID, cursor: parent.cursor!, fd: parentFD)
        let verdict = try judge(name, in: dir)
        guard case .shown(let st, _) = verdict, st.kind == .symlink else { return verdict }
        let target = try Sys.readlink(in: parentFD.descriptor, name)
        guard linkResolves(target, from: parentIno, granted: linkMayDangle(name, in: dir.cursor)) else {
            return .hidden(rule: "symlink-escape")
        }
        return verdict
    }

    /// The one pipeline that decides a name in a directory, shared by
    /// classify (lookup, readdir), symlink resolution and the mount-time
    /// scan of stores near the root. In order: the view's own mountpoint and
    /// FUSE mounts are answered without a syscall on the name; one statx;
    /// another mount is never crossed; the policy; a file that is not
    /// visible itself is hidden; last, identity (audit files, hard links to
    /// secrets). A name hidden by a secret or deny rule carries its stat, so
    /// the caller can have the secret set remember it.
    func judge(_ name: [UInt8], in dir: JudgedDirectory) throws(Errno) -> Classification {
        if let mp = mountpointEntry, mp.parent == dir.identity, mp.name == name { return .mountpoint }
        if mounts.contains(parent: dir.identity, name: name) { return .hidden(rule: "mount-crossing") }
        let st: FileStat
        do {
            st = try Sys.stat(in: dir.fd.descriptor, name)
        } catch where error == .noSuchFileOrDirectory || error == .notDirectory {
            return .missing
        }
        // A different mount id means a mount point inside the tree (a bind
        // mount of ~/.ssh, of /, ...). The view never crosses into one.
        if st.mountID != dir.mountID || (st.mountID == 0 && st.dev != dir.identity.dev) {
            return .hidden(rule: "mount-crossing")
        }
        let isDirectory = st.kind == .directory
        let (decision, cursor) = policy.step(dir.cursor, name: name, isDirectory: isDirectory)
        switch (decision.visibility, decision.rule) {
        case (.hidden, .secret), (.hidden, .deny): return .hidden(rule: decision.rule.description, store: st)
        case (.hidden, _): return .hidden(rule: decision.rule.description)
        case (.ancestor, _) where !isDirectory: return .hidden(rule: Rule.notAllowed.description)
        default: break
        }
        if let rule = secrets.rule(for: st) { return .hidden(rule: rule) }
        return .shown(st, isDirectory ? cursor : nil)
    }

    /// Has the secret set remember `name`, which a secret or deny rule hid
    /// in the directory `dir` at `parentPath` (`Classification.hidden(_, store:)`).
    /// A directory is held open, checked to be the one judged, so a rescan
    /// follows it wherever the host moves it; `dir` is asked for only then.
    func noteStore(
        _ st: FileStat, named name: [UInt8], in dir: () -> OwnedFD?, under parentPath: () -> SourcePath
    ) {
        secrets.noteHidden(st, path: { parentPath() + [name] }) {
            guard let dir = dir() else { return nil }
            return try? reopen(name, in: dir, expecting: st.identity, as: .directory).fd
        }
    }

    /// Adds a kernel reference for a shown name and builds its entry.
    func enter(_ name: [UInt8], in parentIno: InodeNumber, stat st: FileStat, cursor: PolicyCursor?) -> Entry {
        let (ino, generation) = table.reference(parent: parentIno, identity: st.identity, name: name, stamp: ChangeStamp(st), links: st.nlink) {
            InodeRecord(
                identity: st.identity, kind: st.kind, parent: parentIno, name: name,
                cursor: cursor, mountID: st.mountID, stamp: nil, nlookup: 0, children: 0)
        }
        return Entry(
            ino: ino, generation: generation, attributes: attributes(st, as: ino),
            entryTimeout: settings.entryTimeout, attrTimeout: settings.attrTimeout)
    }

    /// A name the view does not show gets a negative entry: one that does
    /// not exist and one that is hidden get the same answer, which the
    /// kernel caches for `negativeTimeout`, so neither the reply kind nor a
    /// repeated lookup tells them apart. What a hidden name costs beyond a
    /// missing one (its `deny` line, remembering a secret) is handed back as
    /// `after`, for the bridge to run once the reply has gone out, so the
    /// answer does not take longer either.
    public func lookup(_ parentIno: InodeNumber, _ name: [UInt8], caller: Caller?) throws(Errno) -> LookupAnswer {
        guard let parent = table.record(parentIno), parent.kind == .directory else { throw Errno.noSuchFileOrDirectory }
        if name.isEmpty || name == [0x2E] || name == [0x2E, 0x2E] { throw Errno.noSuchFileOrDirectory }
        let parentFD = try directoryFD(parentIno)
        switch try classify(name, in: parentIno, parent: parent, parentFD: parentFD) {
        case .shown(let st, let cursor):
            return .entry(enter(name, in: parentIno, stat: st, cursor: cursor))
        case .hidden(let rule, let store):
            return .negative(after: { [self] in
                if let store {
                    noteStore(store, named: name, in: { try? directoryFD(parentIno) }, under: { table.segments(of: parentIno) })
                }
                recordDeny(op: "lookup", rule: rule, path: path(parentIno, name), caller: caller)
            })
        case .mountpoint, .missing:
            return .negative(after: nil)
        }
    }

    /// How long the kernel may remember that a name does not exist.
    public var negativeTimeout: Double { settings.attrTimeout }
}
