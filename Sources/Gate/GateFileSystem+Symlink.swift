import GateAuditFormat
import GatePolicy
import GateSystem
import SystemPackage

extension GateFileSystem {
    /// A directory on the resolution stack: either a node the kernel holds,
    /// or one opened during this resolution.
    private struct Frame {
        var name: [UInt8]
        var node: InodeNumber?
        var fd: OwnedFD?
        var cursor: PolicyCursor
        var mountID: UInt64
        var identity: FileIdentity
    }

    /// Whether a link made (or moved, or linked) through the view into
    /// `directory` may hold `target`. Its target must resolve inside the
    /// view (a missing rest allowed), through real directories only (no name
    /// of its text but the last may be a symlink), and a directory it names
    /// must lie at least as deep in the source as the link itself.
    ///
    /// A link to a directory shallower than itself (`up -> ../..`,
    /// `x -> .`) lets other links' paths through it (`up/..`, `x/priv`)
    /// land higher or elsewhere than their text says, once it replaces the
    /// directory they were judged through: chains of such links, each
    /// harmless when made, reach past the source (`/etc/shadow`) or into a
    /// hidden folder. A directory moved through the view has the links
    /// beneath it judged again (`rename`), and `linkChanges` keeps links
    /// from being made in it meanwhile. What this leaves open (a target
    /// that becomes a directory later) is in SECURITY.md.
    func linkMayHold(_ target: [UInt8], in directory: InodeNumber) -> Bool {
        guard let (path, kind) = try? resolveLinkTarget(target, from: directory, allowMissing: true, direct: true)
        else { return false }
        return kind != .directory || path.count >= table.segments(of: directory).count + 1
    }

    /// Inside a write grant a link may point at what is not made yet (git,
    /// tar and rsync make links before their targets); elsewhere a link
    /// whose target is missing is hidden.
    func linkMayDangle(_ name: [UInt8], in parentCursor: PolicyCursor) -> Bool {
        policy.step(parentCursor, name: name, isDirectory: false).0.isWritable
    }

    /// Whether a link is shown: its target resolves inside the view. Inside
    /// a grant a target not made yet resolves, and so does a loop, every
    /// hop of which was a shown link (following it gives ELOOP, as
    /// natively): an agent that made `ln -s l l` sees its link.
    func linkResolves(_ target: [UInt8], from directory: InodeNumber, granted: Bool) -> Bool {
        do {
            _ = try resolveLink(target, from: directory, allowMissing: granted)
            return true
        } catch {
            return granted && error == .tooManySymbolicLinkLevels
        }
    }

    /// The largest number of symlinks followed in one resolution (as Linux's MAXSYMLINKS).
    static let maxSymlinkHops = 40

    /// Resolves a symlink's target inside the source, one name at a time,
    /// without ever letting the kernel follow a link: absolute targets, `..`
    /// above the source root, dangling names, loops, other mounts and any
    /// hidden name on the way all throw. Returns the canonical target as path
    /// segments from the source root.
    ///
    /// With `allowMissing` (a link inside a write grant), a target that does
    /// not exist yet resolves too, as long as the names from the first
    /// missing one on are names the policy would show (`missingTail`).
    /// With `direct` (a link being made), no name of the target's own text
    /// but its last may be a symlink: the directories it names are real ones.
    func resolveLink(
        _ target: [UInt8], from directory: InodeNumber, allowMissing: Bool = false, direct: Bool = false
    ) throws(Errno) -> [[UInt8]] {
        try resolveLinkTarget(target, from: directory, allowMissing: allowMissing, direct: direct).path
    }

    /// `resolveLink`, with the kind of what the target names (nil: not made yet).
    func resolveLinkTarget(
        _ target: [UInt8], from directory: InodeNumber, allowMissing: Bool, direct: Bool
    ) throws(Errno) -> (path: [[UInt8]], kind: FileKind?) {
        var pending = try GateFileSystem.names(ofLink: target)
        var stack: [Frame] = []
        for ino in table.ancestry(of: directory) {
            guard let rec = table.record(ino), let cursor = rec.cursor else { throw Errno.noSuchFileOrDirectory }
            stack.append(Frame(name: rec.name, node: ino, fd: nil, cursor: cursor, mountID: rec.mountID, identity: rec.identity))
        }
        var hops = 1
        while let name = pending.popLast() {
            if name == [0x2E] { continue }
            if name == [0x2E, 0x2E] {
                if stack.count == 1 { throw Errno.improperLink }
                stack.removeLast()
                continue
            }
            let top = stack[stack.count - 1]
            let fd: OwnedFD
            if let f = top.fd { fd = f } else { fd = try directoryFD(top.node!) }
            let dir = JudgedDirectory(identity: top.identity, mountID: top.mountID, cursor: top.cursor, fd: fd)
            // Missing, hidden (by name or identity), another mount: the link escapes.
            let verdict = try judge(name, in: dir)
            if allowMissing, case .missing = verdict {
                let tail = try missingTail([name] + pending.reversed(), below: top.cursor)
                return (stack.dropFirst().map(\.name) + tail, nil)
            }
            guard case .shown(let st, let cursor) = verdict else { throw Errno.permissionDenied }
            if st.kind == .symlink {
                if direct && hops == 1 && !pending.isEmpty { throw Errno.permissionDenied }
                hops += 1
                if hops > GateFileSystem.maxSymlinkHops { throw Errno.tooManySymbolicLinkLevels }
                pending.append(contentsOf: try GateFileSystem.names(ofLink: try Sys.readlink(in: fd.descriptor, name)))
                continue
            }
            if pending.isEmpty {
                return (stack.dropFirst().map(\.name) + [name], st.kind)
            }
            guard st.kind == .directory, let cursor else { throw Errno.notDirectory }
            let opened = try reopen(name, in: fd, expecting: st.identity, as: .directory).fd
            stack.append(Frame(name: name, node: nil, fd: opened, cursor: cursor, mountID: st.mountID, identity: st.identity))
        }
        // The target names a directory on the stack itself ("..", ".").
        return (stack.dropFirst().map(\.name), .directory)
    }

    /// The rest of a target from its first missing name on, decided by the
    /// policy alone (`lexicalTarget`). `..` after a missing name is refused:
    /// what it means depends on what gets created.
    private func missingTail(_ names: [[UInt8]], below start: PolicyCursor) throws(Errno) -> [[UInt8]] {
        var chain = [start]
        return try lexicalTarget(names, chain: &chain, climbs: false)
    }

    /// Names of a link target walked by the policy alone, from the directory
    /// whose cursors from the root down are `chain`: every name but the last
    /// must be one a shown directory could have, the last one a shown file
    /// or directory; with `climbs`, `..` goes back up `chain` (not past its
    /// first entry). Returns the names appended below where it started.
    func lexicalTarget(_ names: [[UInt8]], chain: inout [PolicyCursor], climbs: Bool) throws(Errno) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for (index, name) in names.enumerated() where name != [0x2E] {
            if name == [0x2E, 0x2E] {
                guard climbs, chain.count > 1 else { throw Errno.permissionDenied }
                chain.removeLast()
                if !out.isEmpty { out.removeLast() }
                continue
            }
            let isLast = names[(index + 1)...].allSatisfy { $0 == [0x2E] }
            let (asDirectory, next) = policy.step(chain[chain.count - 1], name: name, isDirectory: true)
            if isLast {
                let asFile = policy.step(chain[chain.count - 1], name: name, isDirectory: false).0
                guard asFile.visibility == .visible || asDirectory.visibility != .hidden else { throw Errno.permissionDenied }
            } else {
                guard asDirectory.visibility != .hidden, let next else { throw Errno.permissionDenied }
                chain.append(next)
            }
            out.append(name)
        }
        return out
    }

    /// A link target's names, last first, to be popped in order. An absolute
    /// or empty target leaves the source (EXDEV).
    private static func names(ofLink target: [UInt8]) throws(Errno) -> [[UInt8]] {
        if target.first == UInt8(ascii: "/") || target.isEmpty { throw Errno.improperLink }
        return target.split(separator: UInt8(ascii: "/")).reversed().map(Array.init)
    }

    /// The link's target, rewritten as the shortest relative path from the
    /// link's directory to its canonical target, so the kernel resolves it
    /// through visible directories of the view only. Inside a write grant
    /// the target is returned as written, once it has resolved the same way:
    /// git, cp and rsync copy links by their text, and a rewritten one would
    /// be a change (`./x` read back as `x`).
    public func readlink(_ ino: InodeNumber, caller: Caller?) throws(Errno) -> [UInt8] {
        guard let rec = table.record(ino), rec.kind == .symlink else { throw Errno.invalidArgument }
        let parentFD = try directoryFD(rec.parent)
        _ = try restat(rec, in: parentFD)
        let raw = try Sys.readlink(in: parentFD.descriptor, rec.name)
        // The target changed since lookup and now escapes the view.
        func escaped() -> Errno {
            recordDeny(op: "readlink", rule: "symlink-escape", path: table.path(of: ino), caller: caller)
            return Errno.noSuchFileOrDirectory
        }
        if table.record(rec.parent)?.cursor.map({ linkMayDangle(rec.name, in: $0) }) ?? false {
            guard linkResolves(raw, from: rec.parent, granted: true) else { throw escaped() }
            return raw
        }
        let target: [[UInt8]]
        do {
            target = try resolveLink(raw, from: rec.parent)
        } catch {
            throw escaped()
        }
        let from = table.segments(of: rec.parent)
        var common = 0
        while common < from.count, common < target.count, from[common] == target[common] { common += 1 }
        var parts: [[UInt8]] = Array(repeating: [0x2E, 0x2E], count: from.count - common)
        parts.append(contentsOf: target[common...])
        if parts.isEmpty { return [0x2E] }
        return Array(parts.joined(separator: [UInt8(ascii: "/")]))
    }
}
