import GatePolicy
import GateSystem
import Synchronization
import SystemPackage

/// A path from the source root, one name per segment.
typealias SourcePath = [[UInt8]]

/// The identities (st_dev, st_ino) of the files inside the secret stores and
/// fixed-path deny rules, so that a hard link to `~/.ssh/id_ed25519` placed
/// in an allowed folder is hidden too: identity beats names.
///
/// What is scanned:
/// - every fixed path of a secret entry or deny rule at the source root
///   (`.ssh`, `.docker/config.json`);
/// - every store the gate has noted (`noteHidden`): before the mount, every
///   name at the root and one level below it that a secret or deny rule
///   hides (`.SSH`, `.ssh.bak`, `alice/.aws`), and later every one the view
///   meets deeper down. A directory is remembered by path and identity and
///   scanned with the others; a regular file is remembered by identity.
///
/// The daemon's audit files are hidden by identity here too (`rule(for:)`),
/// so every caller asks one question.
///
/// Keeping it current, with no time window:
/// - every scanned directory is watched with inotify, and so is each
///   ancestor of a fixed path (for its next name only). A change there (a
///   directory renamed into `.ssh`, a file created or linked into it) marks
///   the set stale. The next check of an unknown multiply-linked file drains
///   the queued events itself and rescans first; the kernel queues an event
///   before the host's rename returns, so a check made after it sees it.
///   A background thread also rescans soon after a change, so handles
///   already open on a file that has just become a secret are revoked.
/// - an unknown multiply-linked file whose ctime is newer than the last scan
///   triggers a scan too (a link made a moment ago to an unwatched place).
/// - identities are never forgotten: a store renamed away for a moment, or
///   a secret moved out of its store, stays hidden for the mount's life.
///   (A deleted secret's inode number reused for a new multiply-linked file
///   hides that file too: fail closed.)
/// - when inotify cannot watch everything (out of watches), every check of
///   an unknown multiply-linked file rescans.
final class SecretIdentities: Sendable {
    /// What an inotify watch stands for.
    private enum Watch: Sendable {
        /// Inside a store: any change counts.
        case store
        /// An ancestor of a fixed path: only these names count.
        case ancestor(Set<[UInt8]>)
    }

    /// A store met below the root: the path it was last met at and, while
    /// descriptors last, the directory itself.
    private struct Store: Sendable {
        var path: SourcePath
        var fd: OwnedFD?
    }

    private struct State: Sendable {
        var known: Set<FileIdentity> = []
        /// Stores met below the root, by identity, with the path they were met at.
        var stores: [FileIdentity: Store] = [:]
        /// Stores held open by descriptor (at most `storeDescriptorLimit`).
        var storeDescriptors = 0
        var watches: [Int32: Watch] = [:]
        var watchesComplete = true
        /// Something changed, or a store was met, since the last scan began.
        var stale = true
        /// Wall-clock second at which the last completed scan started.
        var lastScanWallClock: Int64 = 0
        var generation = 0
    }

    private let rootFixed: [SourcePath]
    private let root: OwnedFD
    private let inotify: Inotify?
    private let state = Mutex(State())
    private let scanning = Mutex(())
    /// ctime has coarse (tick) granularity; treat anything this close to a
    /// scan's start as possibly after it.
    static let ctimeSlackSeconds: Int64 = 2
    /// Entries walked per store at most (a browser profile holds many).
    static let scanLimitPerStore = 200_000
    static let knownLimit = 1_000_000
    static let storeLimit = 10_000
    /// Stores held open by descriptor; counted in the daemon's reserve
    /// (`GateSettings.reservedDescriptors`).
    static let storeDescriptorLimit = 256
    /// The background thread rescans at most this often.
    static let backgroundScanIntervalMicroseconds: UInt32 = 100_000

    /// Whether the policy hides a file by this path (not one an except
    /// carves out of a store and an allow shows, like `.ssh/known_hosts`).
    private let isSecretPath: @Sendable (SourcePath) -> Bool
    /// The daemon's own audit files (the log, its rotations, its lock),
    /// hidden by identity at any link count.
    private let isAuditFile: @Sendable (FileIdentity) -> Bool
    /// Set by `start`: until the mount-time scan has run, checks consult only
    /// what is known and never scan (the scan that follows covers it all).
    private let started = Atomic<Bool>(false)

    /// `fixed`: the fixed paths of the secret list and deny rules, scanned
    /// from the source root.
    init(
        fixed: [SourcePath], root: OwnedFD, isAuditFile: @escaping @Sendable (FileIdentity) -> Bool,
        isSecretPath: @escaping @Sendable (SourcePath) -> Bool
    ) {
        rootFixed = fixed
        self.root = root
        self.isAuditFile = isAuditFile
        self.isSecretPath = isSecretPath
        inotify = try? Inotify()
        if inotify == nil { state.withLock { $0.watchesComplete = false } }
    }

    /// The mount-time scan: the fixed paths and the stores already noted
    /// (`GateFileSystem.noteStoresNearRoot`), and everything they hold.
    func start() {
        scanning.withLock { _ in rescan() }
        started.store(true, ordering: .releasing)
    }

    var counts: SecretScanCounts {
        state.withLock { SecretScanCounts(fixedPaths: rootFixed.count, stores: $0.stores.count, files: $0.known.count) }
    }

    /// Whether the file was recorded as a secret (no scan).
    func isKnown(_ identity: FileIdentity) -> Bool {
        state.withLock { $0.known.contains(identity) }
    }

    /// Why a file is hidden by identity, whatever its name or path: one of
    /// the daemon's audit files (`audit-log`), or a secret (`hardlink-secret`).
    func rule(for st: FileStat) -> String? {
        guard st.kind == .regular else { return nil }
        if isAuditFile(st.identity) { return "audit-log" }
        return isHidden(st) ? "hardlink-secret" : nil
    }

    /// Whether a file must be hidden by identity, whatever its name.
    ///
    /// A known identity is hidden whatever its link count now: a key whose
    /// store copy was deleted, or that was moved out of its store, is the
    /// same file. Only an unknown file with other links can need a scan.
    func isHidden(_ st: FileStat) -> Bool {
        guard st.kind == .regular else { return false }
        let (known, generation) = state.withLock { ($0.known.contains(st.identity), $0.generation) }
        if known { return true }
        guard st.nlink > 1, started.load(ordering: .acquiring), needsScan(st) else { return false }
        // One scan at a time; callers that waited for another thread's scan,
        // which started after they looked, take its answer instead of scanning again.
        scanning.withLock { _ in
            if state.withLock({ $0.generation }) == generation { rescan() }
        }
        return isKnown(st.identity)
    }

    private func needsScan(_ st: FileStat) -> Bool {
        drainEvents()
        return state.withLock { s in
            s.stale || !s.watchesComplete
                || st.ctime.seconds >= s.lastScanWallClock - SecretIdentities.ctimeSlackSeconds
        }
    }

    /// The view met a name hidden by a secret or deny rule: a directory is
    /// scanned with the stores from now on, a regular file is remembered.
    /// Costs no I/O here, so a hidden name takes no longer to answer.
    ///
    /// A store is held open (an O_PATH descriptor, up to
    /// `storeDescriptorLimit` of them), so a rescan still finds it after the
    /// host renames it or a folder above it; beyond that it is re-opened by
    /// the path it was last met at, and meeting it at a new path moves it.
    func noteHidden(_ st: FileStat, path: () -> SourcePath, open: () -> OwnedFD?) {
        switch st.kind {
        case .regular:
            state.withLock { s in
                if s.known.count < SecretIdentities.knownLimit { s.known.insert(st.identity) }
            }
        case .directory:
            let p = path()
            let (isNew, wantsDescriptor) = state.withLock { s -> (Bool, Bool) in
                if let old = s.stores[st.identity] {
                    if old.path != p {
                        s.stores[st.identity]!.path = p
                        s.stale = true
                    }
                    return (false, false)
                }
                return (s.stores.count < SecretIdentities.storeLimit,
                        s.storeDescriptors < SecretIdentities.storeDescriptorLimit)
            }
            guard isNew else { return }
            let fd = wantsDescriptor ? open() : nil
            state.withLock { s in
                guard s.stores[st.identity] == nil else { return }
                s.stores[st.identity] = Store(path: p, fd: fd)
                if fd != nil { s.storeDescriptors += 1 }
                s.stale = true
            }
        default:
            return
        }
    }

    /// Reads the queued inotify events and marks the set stale if one of them
    /// matters. Under the state lock, so a check that finds nothing queued
    /// also finds the mark of any event another thread took.
    private func drainEvents() {
        guard let inotify else { return }
        state.withLock { s in
            for event in inotify.drain() {
                if event.isOverflow { s.stale = true; continue }
                switch s.watches[event.watch] {
                case .store?:
                    s.stale = true
                case .ancestor(let names)?:
                    if names.contains(event.name) || !event.mask.isDisjoint(with: [.deletedSelf, .movedSelf]) {
                        s.stale = true
                    }
                case nil:
                    continue
                }
            }
        }
    }

    // MARK: - Scanning

    /// Walks every store, never following symlinks nor crossing mounts, and
    /// adds the regular files found. Call with `scanning` held.
    private func rescan() {
        let started = Sys.time()
        let stores = state.withLock { s -> [Store] in
            s.stale = false
            return Array(s.stores.values)
        }
        var found: Set<FileIdentity> = []
        for path in rootFixed { scanFixed(path, into: &found) }
        for store in stores { scanStore(store, into: &found) }
        state.withLock { s in
            for id in found where s.known.count < SecretIdentities.knownLimit { s.known.insert(id) }
            s.lastScanWallClock = started
            s.generation += 1
        }
    }

    /// A fixed path from the root: each ancestor watched for its next name.
    private func scanFixed(_ path: SourcePath, into found: inout Set<FileIdentity>) {
        var dir = root
        for (i, name) in path.enumerated() {
            watch(dir, as: .ancestor([name]))
            guard let st = try? Sys.stat(in: dir.descriptor, name) else { return }
            if i == path.count - 1 {
                if st.kind == .regular, isSecretPath(path) { found.insert(st.identity) }
                if st.kind == .directory, let sub = try? Self.openDirectory(name, in: dir) {
                    walk(sub, at: path, into: &found)
                }
                return
            }
            guard st.kind == .directory, let sub = try? Self.openDirectory(name, in: dir) else { return }
            dir = sub
        }
    }

    /// A store the gate noted: through its descriptor, wherever the host
    /// moved it; else re-opened by the path it was last met at. What was
    /// found in it before stays known either way.
    private func scanStore(_ store: Store, into found: inout Set<FileIdentity>) {
        if let fd = store.fd { return walk(fd, at: store.path, into: &found) }
        guard let fd = try? Self.openDirectory(Self.joined(store.path), in: root) else { return }
        walk(fd, at: store.path, into: &found)
    }

    /// Every regular file below `top`, iteratively; each directory is
    /// watched before it is read, so nothing added meanwhile is missed.
    private func walk(_ top: OwnedFD, at topPath: SourcePath, into found: inout Set<FileIdentity>) {
        var budget = SecretIdentities.scanLimitPerStore
        var stack: [(OwnedFD, SourcePath)] = [(top, topPath)]
        while let (dir, path) = stack.popLast(), budget > 0 {
            watch(dir, as: .store)
            guard let stream = try? Sys.reopenDirectory(dir.descriptor),
                  let names = try? Sys.directoryNames(stream.descriptor) else { continue }
            budget -= names.count
            for name in names {
                guard let st = try? Sys.stat(in: dir.descriptor, name) else { continue }
                if st.kind == .regular {
                    if isSecretPath(path + [name]) { found.insert(st.identity) }
                } else if st.kind == .directory, path.count - topPath.count < 64,
                          let sub = try? Self.openDirectory(name, in: dir) {
                    stack.append((sub, path + [name]))
                }
            }
        }
    }

    private func watch(_ dir: OwnedFD, as kind: Watch) {
        guard let inotify else { return }
        let events: Inotify.Events = [.created, .movedTo, .movedFrom, .deletedSelf, .movedSelf, .attributesChanged]
        guard let wd = try? inotify.watch(dir.descriptor, for: events) else {
            state.withLock { $0.watchesComplete = false }
            return
        }
        state.withLock { s in
            switch (s.watches[wd], kind) {
            case (.store?, _), (_, .store):
                s.watches[wd] = .store
            case (.ancestor(let old)?, .ancestor(let new)):
                s.watches[wd] = .ancestor(old.union(new))
            case (nil, .ancestor):
                s.watches[wd] = kind
            }
        }
    }

    static func joined(_ path: SourcePath) -> [UInt8] {
        Array(path.joined(separator: [UInt8(ascii: "/")]))
    }

    /// A directory below `dir` by its relative path: an O_PATH descriptor,
    /// no symlink followed and no mount crossed.
    private static func openDirectory(_ path: [UInt8], in dir: OwnedFD) throws(Errno) -> OwnedFD {
        try Sys.open(in: dir.descriptor, path, options: [.path, .directory])
    }

    // MARK: - Background

    /// Starts the thread that rescans soon after a watched store changes,
    /// then calls `rescanned` (which revokes open handles of new secrets).
    /// It holds the set weakly and ends when the set is gone.
    func startBackground(rescanned: @escaping @Sendable () -> Void) {
        guard let inotify else { return }
        let box = WeakBox(self)
        let thread = BackgroundThread { () -> Bool in
            let changed = inotify.wait(timeoutMilliseconds: 1000)
            guard let me = box.value else { return false }
            if changed {
                Sys.sleep(microseconds: SecretIdentities.backgroundScanIntervalMicroseconds)
                me.drainEvents()
            }
            let scanned = me.scanning.withLock { _ -> Bool in
                guard me.state.withLock({ $0.stale }) else { return false }
                me.rescan()
                return true
            }
            if scanned { rescanned() }
            return true
        }
        thread.start(name: "gatefs-secrets")
    }
}
