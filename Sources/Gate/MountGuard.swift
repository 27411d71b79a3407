import GateSystem
import Synchronization

/// FUSE mounts inside the source, as entries (parent directory identity,
/// name), so the gate hides them without touching them: a stat of a FUSE
/// mount point asks its daemon, and a daemon that has stopped answering
/// would stall every view request that came near it.
///
/// Built from /proc/self/mountinfo at mount and again whenever the mount
/// table changes (the kernel signals that on the file with POLLPRI).
final class MountGuard: Sendable {
    private struct Key: Hashable, Sendable {
        var parent: FileIdentity
        var name: [UInt8]
    }

    private let source: [UInt8]
    private let root: OwnedFD
    private let own: [UInt8]
    private let entries = Mutex<Set<Key>>([])
    private let any = Atomic<Bool>(false)

    /// `source` and `mountpoint` are absolute and canonical, `root` is the
    /// source open; the view's own mountpoint is handled by the gate itself.
    init(source: String, root: OwnedFD, mountpoint: String) {
        self.source = Array(source.utf8)
        self.root = root
        self.own = Array(mountpoint.utf8)
        refresh()
    }

    /// Whether `name` in the directory `parent` is a FUSE mount point.
    func contains(parent: FileIdentity, name: [UInt8]) -> Bool {
        guard any.load(ordering: .relaxed) else { return false }
        return entries.withLock { $0.contains(Key(parent: parent, name: name)) }
    }

    func refresh() {
        let prefix = source == [UInt8(ascii: "/")] ? source : source + [UInt8(ascii: "/")]
        let inside = MountTable.current()
            .filter { $0.isFuse && $0.mountpointBytes.starts(with: prefix) && $0.mountpointBytes != own }
            .map(\.mountpointBytes)
            .sorted { $0.count < $1.count }
        var keys: Set<Key> = []
        var taken: [[UInt8]] = []
        for path in inside {
            // One inside another FUSE mount is reached only through it: the
            // outer one already hides it, and its parent must not be stat-ed.
            if taken.contains(where: { path.starts(with: $0 + [UInt8(ascii: "/")]) }) { continue }
            taken.append(path)
            guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else { continue }
            // The parent is resolved from the source root without following
            // a symlink (bind mounts on the way may be crossed), never by
            // its path string from `/`.
            let parent = Array(path[prefix.count..<max(prefix.count, slash)])
            let st: FileStat
            if parent.isEmpty {
                guard let rootStat = try? Sys.stat(fd: root.descriptor) else { continue }
                st = rootStat
            } else {
                guard let fd = try? Sys.open(in: root.descriptor, parent, options: [.path, .directory], crossMounts: true),
                      let parentStat = try? Sys.stat(fd: fd.descriptor) else { continue }
                st = parentStat
            }
            keys.insert(Key(parent: st.identity, name: Array(path[(slash + 1)...])))
        }
        entries.withLock { $0 = keys }
        any.store(!keys.isEmpty, ordering: .relaxed)
    }

    /// Refreshes whenever the mount table changes, on a thread of its own.
    func startWatching() {
        guard let fd = try? Sys.openPath(MountTable.path) else { return }
        let box = WeakBox(self)
        BackgroundThread { () -> Bool in
            let revents = (try? Sys.poll(fd.descriptor, for: .priority, timeoutMilliseconds: 1000)) ?? []
            guard let me = box.value else { return false }
            // procfs reports each change of the table once per open file.
            if !revents.isDisjoint(with: [.priority, .error]) { me.refresh() }
            return true
        }.start(name: "gatefs-mounts")
    }
}
