import GateAudit
import GatePolicy
import GateSystem
import Glibc
import SystemPackage

extension Gate {
    /// Decides one name in a directory. lookup and readdir both go through
    /// here, so a name is hidden in a listing exactly when lookup refuses it.
    func classify(
        _ name: [UInt8], in parentIno: InodeNumber, parent: InodeRecord, parentFD: OwnedFD
    ) throws(Errno) -> Classification {
        if let mp = mountpointEntry, mp.parent == parent.identity, mp.name == name {
            return .mountpoint
        }
        if mounts.contains(parent: parent.identity, name: name) {
            return .hidden(rule: "mount-crossing")
        }
        let st: FileStat
        do {
            st = try Sys.stat(in: parentFD.raw, name)
        } catch where error.rawValue == ENOENT || error.rawValue == ENOTDIR {
            return .missing
        }
        // A different mount id means a mount point inside the tree (a bind
        // mount of ~/.ssh, of /, ...). The view never crosses into one.
        if st.mountID != parent.mountID || (st.mountID == 0 && st.dev != parent.identity.dev) {
            return .hidden(rule: "mount-crossing")
        }
        let isDirectory = st.kind == .directory
        let (decision, cursor) = policy.step(parent.cursor!, name: name, isDirectory: isDirectory)
        if decision.visibility == .hidden {
            switch decision.rule {
            case .secret, .deny: return .hidden(rule: decision.rule.description, store: st)
            default: return .hidden(rule: decision.rule.description)
            }
        }
        if !isDirectory && decision.visibility == .ancestor {
            return .hidden(rule: Rule.notAllowed.description)
        }
        if st.kind == .regular && settings.isAuditFile(st.identity) {
            return .hidden(rule: "audit-log")
        }
        if secrets.isHidden(st) {
            return .hidden(rule: "hardlink-secret")
        }
        if st.kind == .symlink {
            let target = try Sys.readlink(in: parentFD.raw, name)
            guard (try? resolveLink(target, from: parentIno)) != nil else {
                return .hidden(rule: "symlink-escape")
            }
        }
        return .shown(st, isDirectory ? cursor : nil)
    }

    /// The source path of `name` in the directory node `parent`.
    func storePath(_ parent: InodeNumber, _ name: [UInt8]) -> SourcePath {
        table.ancestry(of: parent).dropFirst().compactMap { table.record($0)?.name } + [name]
    }

    /// Adds a kernel reference for a shown name and builds its entry.
    func enter(_ name: [UInt8], in parentIno: InodeNumber, stat st: FileStat, cursor: PolicyCursor?) -> Entry {
        let ino = table.reference(parent: parentIno, identity: st.identity, name: name, stamp: ChangeStamp(st)) {
            InodeRecord(
                identity: st.identity, kind: st.kind, parent: parentIno, name: name,
                cursor: cursor, mountID: st.mountID, stamp: nil, nlookup: 0, children: 0)
        }
        return Entry(
            ino: ino, attributes: attributes(st, as: ino),
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
        guard let parent = table.record(parentIno), parent.kind == .directory else { throw Errno(rawValue: ENOENT) }
        if name.isEmpty || name == [0x2E] || name == [0x2E, 0x2E] { throw Errno(rawValue: ENOENT) }
        let parentFD = try directoryFD(parentIno)
        switch try classify(name, in: parentIno, parent: parent, parentFD: parentFD) {
        case .shown(let st, let cursor):
            return .entry(enter(name, in: parentIno, stat: st, cursor: cursor))
        case .hidden(let rule, let store):
            return .negative(after: { [self] in
                if let store { secrets.noteHidden(store) { storePath(parentIno, name) } }
                recordDeny(op: "lookup", rule: rule, path: path(parentIno, name), caller: caller)
            })
        case .mountpoint, .missing:
            return .negative(after: nil)
        }
    }

    /// How long the kernel may remember that a name does not exist.
    public var negativeTimeout: Double { settings.attrTimeout }
}
