import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import SystemPackage

extension GateFileSystem {
    public func mkdir(_ parentIno: InodeNumber, _ name: [UInt8], mode: UInt32, caller: Caller?) throws(Errno) -> Entry {
        let target = try writeTarget(parentIno, name, isDirectory: true, op: "mkdir", caller: caller)
        let permissions = GateFileSystem.grantedMode(mode, kind: .directory)
        try making(target, op: "mkdir", caller: caller) { () throws(Errno) in
            try Sys.makeDirectory(in: target.dir.descriptor, name, permissions: permissions)
        }
        let st = try ownNew(target, kind: .directory, caller: caller)
        let (_, cursor) = policy.step(target.parent.cursor!, name: name, isDirectory: true)
        audit?.record(.change(.mkdir(mode: permissions)), path: path(parentIno, name), caller: caller)
        return enter(name, in: parentIno, stat: st, cursor: cursor)
    }

    /// FIFOs, sockets and (mknod with S_IFREG) empty regular files. Device
    /// nodes are refused with EPERM: a root agent must not be able to leave
    /// a door to a disk in the home (the view itself is mounted nodev).
    public func mknod(_ parentIno: InodeNumber, _ name: [UInt8], mode: UInt32, caller: Caller?) throws(Errno) -> Entry {
        let type = mode & 0o170000
        guard type == 0o010000 || type == 0o140000 || type == 0o100000 || type == 0 else {
            recordDeny(op: "mknod", rule: "device-node", path: path(parentIno, name), caller: caller, errno: .notPermitted)
            throw Errno.notPermitted
        }
        let target = try writeTarget(parentIno, name, isDirectory: false, op: "mknod", caller: caller)
        let full = (type == 0 ? 0o100000 : type) | GateFileSystem.grantedMode(mode, kind: .regular)
        try making(target, op: "mknod", caller: caller) { () throws(Errno) in
            try Sys.makeNode(in: target.dir.descriptor, name, mode: full)
        }
        let st = try ownNew(target, kind: nil, caller: caller)
        audit?.record(.change(.mknod(mode: full)), path: path(parentIno, name), caller: caller)
        return enter(name, in: parentIno, stat: st, cursor: nil)
    }

    /// A symlink inside a grant. Its target must be relative and, resolved
    /// from the link's directory, stay inside the view, name no hidden path,
    /// pass through no other symlink and lead no higher than the link
    /// (`linkMayHold`); it may name something that does not exist yet (git,
    /// tar and rsync make such links), and the link is then shown at once.
    public func symlink(_ target: [UInt8], _ parentIno: InodeNumber, _ name: [UInt8], caller: Caller?) throws(Errno) -> Entry {
        let place = try writeTarget(parentIno, name, isDirectory: false, op: "symlink", caller: caller)
        try linkChanges.withLock { (_) throws(Errno) in
            guard linkMayHold(target, in: parentIno) else {
                throw refusal(op: "symlink", rule: "symlink-escape", path: path(parentIno, name), caller: caller)
            }
            try making(place, op: "symlink", caller: caller) { () throws(Errno) in
                try Sys.makeSymlink(target, in: place.dir.descriptor, name)
            }
        }
        let st = try ownNew(place, kind: .symlink, caller: caller)
        audit?.record(.change(.symlink(target: target)), path: path(parentIno, name), caller: caller)
        return enter(name, in: parentIno, stat: st, cursor: nil)
    }

    /// Makes a new entry; a name that turns out to exist (EEXIST) is judged,
    /// so one the view hides by identity is refused like any hidden name.
    private func making(_ target: WriteTarget, op: String, caller: Caller?, _ body: () throws(Errno) -> Void) throws(Errno) {
        do {
            try body()
        } catch where error == .fileExists {
            throw hiddenRefusal(try classify(target), at: target, op: op, caller: caller) ?? error
        }
    }

    /// The entry just made at `target`: opened as a path (never followed),
    /// checked to be of the kind made, given to its owner.
    private func ownNew(_ target: WriteTarget, kind: FileKind?, caller: Caller?) throws(Errno) -> FileStat {
        let fd = try Sys.open(in: target.dir.descriptor, target.name, options: [.path])
        var st = try Sys.stat(fd: fd.descriptor)
        if let kind, st.kind != kind { throw Errno.staleNFSFileHandle }
        if try assignOwner(fd.descriptor, caller: caller, in: target) { st = try Sys.stat(fd: fd.descriptor) }
        return st
    }

    public func unlink(_ parentIno: InodeNumber, _ name: [UInt8], caller: Caller?) throws(Errno) {
        try remove(parentIno, name, directory: false, caller: caller)
    }

    /// A directory that still holds entries the view hides fails with
    /// ENOTEMPTY, as natively, and they survive.
    public func rmdir(_ parentIno: InodeNumber, _ name: [UInt8], caller: Caller?) throws(Errno) {
        try remove(parentIno, name, directory: true, caller: caller)
    }

    /// The kernel only asks to remove a name it looked up; if that name is
    /// now hidden (swapped on the host), the view answers as if it were gone.
    private func remove(_ parentIno: InodeNumber, _ name: [UInt8], directory: Bool, caller: Caller?) throws(Errno) {
        let op = directory ? "rmdir" : "unlink"
        let target = try writeTarget(parentIno, name, isDirectory: directory, op: op, caller: caller)
        guard case .shown(let st, _) = try classify(target) else { throw Errno.noSuchFileOrDirectory }
        if directory != (st.kind == .directory) { throw directory ? Errno.notDirectory : Errno.isDirectory }
        try requireHeld(target, st)
        try Sys.remove(in: target.dir.descriptor, name, directory: directory)
        if !directory { linkCountChanged(st.identity, links: st.nlink) }
        audit?.record(.change(directory ? .rmdir : .unlink), path: path(parentIno, name), caller: caller)
    }

    /// A new name for a shown file, both names inside grants. The link is
    /// made by name from the verified parent and checked to be the file
    /// the kernel holds; if the host swapped the name meanwhile, it is taken
    /// back (ESTALE).
    public func link(_ ino: InodeNumber, to parentIno: InodeNumber, _ name: [UInt8], caller: Caller?) throws(Errno) -> Entry {
        guard let rec = table.record(ino) else { throw Errno.noSuchFileOrDirectory }
        guard rec.kind != .directory else { throw Errno.notPermitted }
        try requireWritable(ino, rec, op: "link", caller: caller)
        let target = try writeTarget(parentIno, name, isDirectory: false, op: "link", caller: caller)
        let fromDir = try directoryFD(rec.parent)
        let source = try restat(rec, in: fromDir)
        if let rule = secrets.rule(for: source) {
            throw refusal(op: "link", rule: rule, path: table.path(of: ino), caller: caller, errno: .noSuchFileOrDirectory)
        }
        try linkChanges.withLock { (_) throws(Errno) in
            // A second name for a symlink is a link made at the new place.
            if source.kind == .symlink, !linkMayHold(try Sys.readlink(in: fromDir.descriptor, rec.name), in: parentIno) {
                throw refusal(op: "link", rule: "symlink-escape", path: path(parentIno, name), caller: caller)
            }
            try making(target, op: "link", caller: caller) { () throws(Errno) in
                try Sys.link(in: fromDir.descriptor, rec.name, to: target.dir.descriptor, name)
            }
        }
        let st = try Sys.stat(in: target.dir.descriptor, name)
        guard st.identity == rec.identity else {
            try? Sys.remove(in: target.dir.descriptor, name, directory: false)
            throw Errno.staleNFSFileHandle
        }
        linkCountChanged(st.identity, links: st.nlink, also: ino)
        audit?.record(.change(.link(target: table.path(of: ino))), path: path(parentIno, name), caller: caller)
        return enter(name, in: parentIno, stat: st, cursor: nil)
    }
}
