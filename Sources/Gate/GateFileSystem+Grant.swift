import GateAuditFormat
import GatePolicy
import GateSystem
import SystemPackage

/// A name a change is about to be made at: the directory node it lies in,
/// that directory's verified descriptor, and the decision that grants it.
struct WriteTarget {
    let parentIno: InodeNumber
    let parent: InodeRecord
    let dir: OwnedFD
    let name: [UInt8]
    let decision: Decision

}

extension GateFileSystem {
    /// Decides a change at `name` in the directory `parentIno`, by the name
    /// alone, before any syscall touches it, so a name the view hides is
    /// refused (EACCES) the same way whether or not something of that name
    /// exists in the source. A name that is shown but not granted gets EROFS.
    /// Both refusals are `deny` lines. `isDirectory` is the kind the name
    /// has or will have.
    func writeTarget(
        _ parentIno: InodeNumber, _ name: [UInt8], isDirectory: Bool, op: String, caller: Caller?
    ) throws(Errno) -> WriteTarget {
        guard let parent = table.record(parentIno), parent.kind == .directory, let cursor = parent.cursor else {
            throw Errno.noSuchFileOrDirectory
        }
        if name.isEmpty || name == [0x2E] || name == [0x2E, 0x2E] { throw Errno.invalidArgument }
        if let mp = mountpointEntry, mp.parent == parent.identity, mp.name == name {
            throw refusal(op: op, rule: "mountpoint", path: path(parentIno, name), caller: caller)
        }
        if mounts.contains(parent: parent.identity, name: name) {
            throw refusal(op: op, rule: "mount-crossing", path: path(parentIno, name), caller: caller)
        }
        let (decision, _) = policy.step(cursor, name: name, isDirectory: isDirectory)
        try requireWritable(decision, op: op, path: { path(parentIno, name) }, caller: caller)
        return WriteTarget(
            parentIno: parentIno, parent: parent, dir: try directoryFD(parentIno), name: name, decision: decision)
    }

    /// EACCES for a hidden path, EROFS for a shown one without a grant,
    /// each logged as a `deny` with the rule that decided.
    func requireWritable(_ decision: Decision, op: String, path: () -> [UInt8], caller: Caller?) throws(Errno) {
        if decision.isWritable { return }
        if decision.visibility == .hidden {
            throw refusal(op: op, rule: decision.rule.description, path: path(), caller: caller)
        }
        throw refusal(op: op, rule: "read-only", path: path(), caller: caller, errno: .readOnlyFileSystem)
    }

    /// Logs a refused change and hands back the errno to throw.
    func refusal(
        op: String, rule: String, path: [UInt8], caller: Caller?, errno: Errno = .permissionDenied
    ) -> Errno {
        recordDeny(op: op, rule: rule, path: path, caller: caller, errno: errno)
        return errno
    }

    /// The decision for an existing node, as its parent's cursor gives it.
    func decision(of ino: InodeNumber, _ rec: InodeRecord) -> Decision {
        if ino == .root { return policy.rootDecision }
        guard let cursor = table.record(rec.parent)?.cursor else {
            return Decision(visibility: .hidden, rule: .notAllowed)
        }
        return policy.step(cursor, name: rec.name, isDirectory: rec.kind == .directory).0
    }

    /// A change to an existing node: it must be granted, and its identity
    /// must not be a secret's (a hard link into a store, made on the host
    /// before the mount, is refused as if the name were missing).
    func requireWritable(_ ino: InodeNumber, _ rec: InodeRecord, op: String, caller: Caller?) throws(Errno) {
        try requireWritable(decision(of: ino, rec), op: op, path: { table.path(of: ino) }, caller: caller)
    }

    /// What an existing name at `target` is, decided as lookup decides it
    /// (so a symlink leading out of the view is hidden, too).
    func classify(_ target: WriteTarget) throws(Errno) -> Classification {
        try classify(target.name, in: target.parentIno, parent: target.parent, parentFD: target.dir)
    }

    /// When a name to be created already exists (EEXIST): a name the view
    /// hides by identity (a hard link to a secret, another mount, a symlink
    /// leading out) answers like any hidden name, EACCES, so creating never
    /// tells it apart. A shown one was made on the host after the kernel
    /// cached the name as missing: ESTALE makes the kernel look it up again
    /// and retry, so it checks the caller's rights on the file that is there
    /// (nothing here opens or replaces a file the kernel did not check).
    func refuseExisting(_ target: WriteTarget, op: String, caller: Caller?) throws(Errno) -> Never {
        let found = try classify(target)
        if let refused = hiddenRefusal(found, at: target, op: op, caller: caller) { throw refused }
        // Missing: removed again since; the caller saw it exist.
        if case .shown = found { throw Errno.staleNFSFileHandle } else { throw Errno.fileExists }
    }

    /// The refusal (EACCES, logged) for an existing name the view hides; nil when it is shown or missing.
    func hiddenRefusal(_ found: Classification, at target: WriteTarget, op: String, caller: Caller?) -> Errno? {
        switch found {
        case .hidden(let rule, _): refusal(op: op, rule: rule, path: path(target.parentIno, target.name), caller: caller)
        case .mountpoint: refusal(op: op, rule: "mountpoint", path: path(target.parentIno, target.name), caller: caller)
        case .shown, .missing: nil
        }
    }

    /// The name `target` must still hold the file the kernel holds a node
    /// for: if the host swapped another file in under it, ESTALE makes the
    /// kernel look the name up again, check the caller's rights on what is
    /// there now (a sticky directory's owner rule), and retry.
    func requireHeld(_ target: WriteTarget, _ st: FileStat) throws(Errno) {
        guard table.holds(parent: target.parentIno, name: target.name, identity: st.identity) else {
            throw Errno.staleNFSFileHandle
        }
    }

    /// Permission bits as created or chmod-ed through the view: a regular
    /// file never keeps setuid or setgid (an agent that is root in its
    /// container must not leave a setuid program in the home); a directory
    /// keeps setgid, which only makes new entries inherit its group.
    static func grantedMode(_ mode: UInt32, kind: FileKind) -> UInt32 {
        kind == .directory ? mode & 0o7777 : mode & 0o1777
    }

    /// Who a new node belongs to. A daemon running as root gives it to the
    /// caller (its uid, and its gid unless the directory is setgid, whose
    /// group the node has inherited already); a daemon running as a user
    /// leaves it to that user, the only owner it can give.
    /// Returns whether it changed the owner (attributes read before are stale then).
    @discardableResult
    func assignOwner(_ fd: FileDescriptor, caller: Caller?, in target: WriteTarget) throws(Errno) -> Bool {
        guard Sys.effectiveUID == 0, let caller, caller.uid != 0 || caller.gid != 0 else { return false }
        let parentMode = try Sys.stat(fd: target.dir.descriptor).mode
        let inherits = parentMode & 0o2000 != 0
        try Sys.setOwner(of: fd, uid: caller.uid, gid: inherits ? nil : caller.gid)
        return true
    }
}
