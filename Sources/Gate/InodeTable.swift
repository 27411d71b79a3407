import GatePolicy
import GateSystem
import Synchronization

/// The one owner of node identities and directory descriptors.
///
/// Lock order: `state` is a leaf lock. No syscall, policy decision or audit
/// call is made while it is held (the only exception is close(2) of an
/// evicted descriptor, which is deferred until after unlock).
final class InodeTable: Sendable {
    /// Records are keyed by the kernel's node id; `byEntry` finds the record
    /// for a (parent, identity) pair so that a repeated lookup of the same
    /// name returns the same node. A file re-linked under another directory
    /// gets a node of its own, with its own (parent, name) to re-open from.
    private struct EntryKey: Hashable, Sendable {
        var parent: UInt64
        var identity: FileIdentity
    }

    private struct State: Sendable {
        var records = NodeSlab()
        var byEntry: [EntryKey: UInt64] = [:]
        var directoryFDs: DirectoryFDCache
        /// Nodes of regular files last seen with more than one link, by
        /// file: the other names whose attributes a link count change
        /// must drop. Hard-linked files are rare, so this stays small.
        var linked: [FileIdentity: [UInt64]] = [:]

        mutating func noteLinks(_ ino: UInt64, _ identity: FileIdentity, _ links: UInt32) {
            guard links > 1, !(linked[identity]?.contains(ino) ?? false) else { return }
            linked[identity, default: []].append(ino)
        }

        /// The node for `name` in `parent` holding the file `identity`. Two
        /// names of one file in one directory share a `byEntry` key; the
        /// other's node is among the file's linked nodes (looked through only
        /// when `linked`: a file with one link has no other name).
        func node(parent: UInt64, name: [UInt8], identity: FileIdentity, linked isLinked: Bool = true) -> UInt64? {
            func named(_ ino: UInt64) -> Bool {
                guard let rec = records[ino] else { return false }
                return rec.parent.raw == parent && rec.name == name
            }
            if let ino = byEntry[EntryKey(parent: parent, identity: identity)], named(ino) { return ino }
            return isLinked ? linked[identity]?.first(where: named) : nil
        }

        mutating func dropLinks(_ ino: UInt64, _ identity: FileIdentity) {
            guard var nodes = linked[identity] else { return }
            nodes.removeAll { $0 == ino }
            linked[identity] = nodes.isEmpty ? nil : nodes
        }
    }

    private let state: Mutex<State>
    /// The source root, pinned for the life of the mount.
    let rootFD: OwnedFD

    init(rootFD: OwnedFD, rootStat: FileStat, rootCursor: PolicyCursor, fdCapacity: Int) {
        self.rootFD = rootFD
        var s = State(directoryFDs: DirectoryFDCache(capacity: fdCapacity))
        let (root, _) = s.records.insert(InodeRecord(
            identity: rootStat.identity, kind: .directory, parent: .root, name: [],
            cursor: rootCursor, mountID: rootStat.mountID, stamp: nil, nlookup: 1, children: 0))
        precondition(root == InodeNumber.root.raw)
        state = Mutex(s)
    }

    func record(_ ino: InodeNumber) -> InodeRecord? {
        state.withLock { $0.records[ino.raw] }
    }

    /// Adds one kernel reference to the node for `name` in `parent`, creating
    /// it if needed. `make` builds the record for a new node.
    func reference(
        parent: InodeNumber, identity: FileIdentity, name: [UInt8], stamp: ChangeStamp, links: UInt32,
        make: () -> InodeRecord
    ) -> (InodeNumber, Generation) {
        state.withLock { s in
            let key = EntryKey(parent: parent.raw, identity: identity)
            // Reuse the node only for the same name: after a rename on the
            // host, the old node's (parent, name) no longer re-opens it.
            if let ino = s.node(parent: parent.raw, name: name, identity: identity, linked: links > 1),
               let existing = s.records[ino] {
                s.records[ino]!.nlookup += 1
                if existing.kind == .regular {
                    s.records[ino]!.stamp = stamp
                    s.noteLinks(ino, identity, links)
                }
                return (InodeNumber(ino), s.records.generation(ino))
            }
            var rec = make()
            rec.nlookup = 1
            if rec.kind == .regular { rec.stamp = stamp }
            let (ino, generation) = s.records.insert(rec)
            s.byEntry[key] = ino
            s.records[parent.raw]!.children += 1
            if rec.kind == .regular { s.noteLinks(ino, identity, links) }
            return (InodeNumber(ino), generation)
        }
    }

    /// Whether the kernel holds a node for the file `identity` under `name`
    /// in `parent`: the file it checked its permissions on (write access to
    /// the directory, a sticky directory's owner rule) before asking to
    /// remove or move that name.
    func holds(parent: InodeNumber, name: [UInt8], identity: FileIdentity) -> Bool {
        state.withLock { s in
            guard let ino = s.node(parent: parent.raw, name: name, identity: identity) else { return false }
            return s.records[ino]!.nlookup > 0
        }
    }

    /// After a rename through the view: the node for `identity` at (`parent`,
    /// `name`), if the table holds one, now lives at (`newParent`,
    /// `newName`), so it is re-opened from there; a directory gets the cursor
    /// of its new place. Its descendants keep theirs: a directory is only
    /// moved where the same hiding rules apply (`Policy.hidesAlike`).
    func moved(
        _ identity: FileIdentity, from parent: InodeNumber, _ name: [UInt8],
        to newParent: InodeNumber, _ newName: [UInt8], cursor: PolicyCursor?
    ) {
        state.withLock { s in
            guard let ino = s.node(parent: parent.raw, name: name, identity: identity), let rec = s.records[ino],
                  s.records[newParent.raw] != nil else { return }
            let key = EntryKey(parent: parent.raw, identity: identity)
            if s.byEntry[key] == ino { s.byEntry[key] = nil }
            s.byEntry[EntryKey(parent: newParent.raw, identity: identity)] = ino
            s.records[ino]!.parent = newParent
            s.records[ino]!.name = newName
            if rec.kind == .directory { s.records[ino]!.cursor = cursor }
            s.records[parent.raw]!.children -= 1
            s.records[newParent.raw]!.children += 1
        }
    }

    /// The nodes of the file `identity` seen with more than one link (one
    /// per name the kernel looked it up by: hard links are nodes of their
    /// own), and `also`, which from now on counts as one of them.
    func linkedNodes(of identity: FileIdentity, also: InodeNumber?) -> [InodeNumber] {
        state.withLock { s in
            if let also, s.records[also.raw]?.kind == .regular { s.noteLinks(also.raw, identity, 2) }
            return (s.linked[identity] ?? []).map(InodeNumber.init)
        }
    }

    /// Records the attributes just sent to the kernel for a regular file.
    func noteAttributes(_ ino: InodeNumber, _ stamp: ChangeStamp, links: UInt32) {
        state.withLock { s in
            guard let rec = s.records[ino.raw], rec.kind == .regular else { return }
            s.records[ino.raw]!.stamp = stamp
            s.noteLinks(ino.raw, rec.identity, links)
        }
    }

    /// At open: swaps in the file's current stamp and says whether the
    /// attributes the kernel holds for it are out of date.
    func exchangeStamp(_ ino: InodeNumber, _ stamp: ChangeStamp) -> Bool {
        state.withLock { s in
            guard s.records[ino.raw] != nil else { return false }
            let old = s.records[ino.raw]!.stamp
            s.records[ino.raw]!.stamp = stamp
            return old != nil && old != stamp
        }
    }

    /// After a directory was read: remembers a listing the kernel may keep
    /// (its stamp at opendir and entry count), or forgets one (nil).
    func noteListing(_ ino: InodeNumber, _ listing: (stamp: ChangeStamp, entries: Int)?) {
        state.withLock { s in
            guard s.records[ino.raw]?.kind == .directory else { return }
            s.records[ino.raw]!.stamp = listing?.stamp
            s.records[ino.raw]!.listedEntries = Int32(clamping: listing?.entries ?? 0)
        }
    }

    /// Drops `count` kernel references. A node leaves the table only when the
    /// kernel holds none and no child record names it as parent.
    func forget(_ ino: InodeNumber, count: UInt64) {
        var released: [OwnedFD] = []
        state.withLock { s in
            guard ino != .root, var rec = s.records[ino.raw] else { return }
            precondition(count <= rec.nlookup, "gatefs bug: forget \(count) > nlookup \(rec.nlookup) on \(ino)")
            rec.nlookup -= count
            s.records[ino.raw] = rec
            var current = ino
            while current != .root, let r = s.records[current.raw], r.nlookup == 0, r.children == 0 {
                s.records.remove(current.raw)
                let key = EntryKey(parent: r.parent.raw, identity: r.identity)
                if s.byEntry[key] == current.raw { s.byEntry[key] = nil }
                if r.kind == .regular { s.dropLinks(current.raw, r.identity) }
                if let fd = s.directoryFDs.remove(current.raw) { released.append(fd) }
                s.records[r.parent.raw]!.children -= 1
                current = r.parent
            }
        }
        _ = released   // closed here, outside the lock
    }

    func cachedDirectoryFD(_ ino: InodeNumber) -> OwnedFD? {
        if ino == .root { return rootFD }
        return state.withLock { $0.directoryFDs.get(ino.raw) }
    }

    func cacheDirectoryFD(_ ino: InodeNumber, _ fd: OwnedFD) -> OwnedFD {
        let (use, evicted) = state.withLock { $0.directoryFDs.insert(ino.raw, fd) }
        _ = evicted   // closed here, outside the lock
        return use
    }

    /// The node's path relative to the source ("." for the root), for the
    /// audit log and for resolving symlink targets.
    func path(of ino: InodeNumber) -> [UInt8] {
        let names = segments(of: ino)
        if names.isEmpty { return [UInt8(ascii: ".")] }
        return Array(names.joined(separator: [UInt8(ascii: "/")]))
    }

    /// The node's names from the root down (empty for the root), under one
    /// lock: the path the secret set remembers a store by, and the one a
    /// symlink's target is made relative to.
    func segments(of ino: InodeNumber) -> [[UInt8]] {
        let names: [[UInt8]] = state.withLock { s in
            var out: [[UInt8]] = []
            var current = ino
            while current != .root, let r = s.records[current.raw] {
                out.append(r.name)
                current = r.parent
            }
            return out
        }
        return names.reversed()
    }

    /// The chain of directory nodes from the root down to `ino` (inclusive).
    func ancestry(of ino: InodeNumber) -> [InodeNumber] {
        state.withLock { s in
            var out: [InodeNumber] = []
            var current = ino
            while true {
                out.append(current)
                if current == .root { break }
                guard let r = s.records[current.raw] else { break }
                current = r.parent
            }
            return out.reversed()
        }
    }
}
