import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import SystemPackage

extension GateFileSystem {
    /// rename(2) and renameat2(2) between two names inside grants.
    ///
    /// Both names are decided first, for the kind that will sit there: a
    /// hidden destination is refused (EACCES) before anything is looked at,
    /// and so is an existing destination the view hides by identity. A
    /// destination that does not exist is renamed to with RENAME_NOREPLACE,
    /// so a file planted there meanwhile is never replaced. A directory
    /// moves only where the same hiding rules apply beneath it; elsewhere
    /// the answer is EXDEV, and mv(1) copies what the view shows instead.
    public func rename(
        _ parentIno: InodeNumber, _ name: [UInt8], to newParentIno: InodeNumber, _ newName: [UInt8],
        mode: Sys.RenameMode, caller: Caller?
    ) throws(Errno) {
        guard let fromParent = table.record(parentIno), fromParent.cursor != nil else { throw Errno.noSuchFileOrDirectory }
        let shown = try classify(name, in: parentIno, parent: fromParent, parentFD: try directoryFD(parentIno))
        guard case .shown(let source, _) = shown else { throw Errno.noSuchFileOrDirectory }
        let sourceIsDirectory = source.kind == .directory
        let from = try writeTarget(parentIno, name, isDirectory: sourceIsDirectory, op: "rename", caller: caller)
        let to = try writeTarget(newParentIno, newName, isDirectory: sourceIsDirectory, op: "rename", caller: caller)
        try requireHeld(from, source)
        let existing = try destination(to, op: "rename", caller: caller)
        if let existing { try requireHeld(to, existing) }
        if mode == .exchange {
            guard let existing else { throw Errno.noSuchFileOrDirectory }
            // The destination's file moves to the source's place: it must be granted there too.
            let back = try writeTarget(parentIno, name, isDirectory: existing.kind == .directory, op: "rename", caller: caller)
            try requireSameHiding(existing, from: to, to: back)
        }
        try requireSameHiding(source, from: from, to: to)
        let effective: Sys.RenameMode = existing == nil && mode == .replace ? .noReplace : mode
        let movesLinks = [source.kind, existing?.kind].contains { $0 == .symlink || $0 == .directory }
        func move() throws(Errno) {
            try requireSafeMove(source, from: from, to: to, caller: caller)
            if mode == .exchange, let existing { try requireSafeMove(existing, from: to, to: from, caller: caller) }
            try Sys.rename(in: from.dir.descriptor, name, to: to.dir.descriptor, newName, effective)
        }
        if movesLinks { try linkChanges.withLock { (_) throws(Errno) in try move() } } else { try move() }
        note(moved: source, from: from, to: to)
        if mode == .exchange, let existing { note(moved: existing, from: to, to: from) }
        // A file replaced by the rename lost a link; its other names must show it.
        if mode == .replace, let existing, existing.identity != source.identity, existing.kind != .directory {
            linkCountChanged(existing.identity, links: existing.nlink)
        }
        let flags: String? = switch mode {
        case .replace: nil
        case .noReplace: "noreplace"
        case .exchange: "exchange"
        }
        let fromPath = path(parentIno, name)
        audit?.record(
            .change(.rename(from: fromPath, to: path(newParentIno, newName), flags: flags)), path: fromPath, caller: caller)
    }

    /// What the destination name holds now: nil when missing, its attributes
    /// when shown; refused when the view hides it by identity.
    private func destination(_ to: WriteTarget, op: String, caller: Caller?) throws(Errno) -> FileStat? {
        let found = try classify(to)
        if let refused = hiddenRefusal(found, at: to, op: op, caller: caller) { throw refused }
        guard case .shown(let st, _) = found else { return nil }
        return st
    }

    /// A directory moving from `from` to `to` must keep what is hidden beneath it hidden.
    private func requireSameHiding(_ st: FileStat, from: WriteTarget, to: WriteTarget) throws(Errno) {
        guard st.kind == .directory else { return }
        let (_, a) = policy.step(from.parent.cursor!, name: from.name, isDirectory: true)
        let (_, b) = policy.step(to.parent.cursor!, name: to.name, isDirectory: true)
        guard let a, let b, policy.hidesAlike(a, b) else { throw Errno.improperLink }
    }

    /// What moving keeps true of links (`linkMayHold`): a symlink moved is
    /// judged again where it lands, as if it were made there; a directory
    /// moves only if every link beneath it still holds its target from its
    /// new place (`linksStayInside`), else EXDEV: mv then copies, and each
    /// link it makes is judged.
    private func requireSafeMove(_ st: FileStat, from: WriteTarget, to: WriteTarget, caller: Caller?) throws(Errno) {
        switch st.kind {
        case .symlink:
            let target = try Sys.readlink(in: from.dir.descriptor, from.name)
            guard linkMayHold(target, in: to.parentIno) else {
                throw refusal(op: "rename", rule: "symlink-escape", path: path(to.parentIno, to.name), caller: caller)
            }
        case .directory:
            guard linksStayInside(from.name, in: from.dir, expecting: st.identity, movingTo: to) else {
                throw Errno.improperLink
            }
        default:
            return
        }
    }

    private func note(moved st: FileStat, from: WriteTarget, to: WriteTarget) {
        let cursor = st.kind == .directory ? policy.step(to.parent.cursor!, name: to.name, isDirectory: true).1 : nil
        table.moved(st.identity, from: from.parentIno, from.name, to: to.parentIno, to.name, cursor: cursor)
    }
}
