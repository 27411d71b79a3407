import GatePolicy
import GateSystem
import Glibc
import Synchronization

/// The identities (st_dev, st_ino) of the files inside the secret stores and
/// fixed-path deny rules, so that a hard link to `~/.ssh/id_ed25519` placed
/// in an allowed folder is hidden too: identity beats names.
///
/// Only patterns that name a fixed path (`.ssh`, `.aws`, `.docker/config.json`)
/// can be scanned; wildcard entries (`**/*.pem`) are matched by name wherever
/// they appear, but their identities are not collected. The scan runs at
/// mount and again whenever a multiply-linked file the set does not know,
/// and whose links changed since the last scan, is looked up, so a secret
/// created and linked after mount is caught.
final class SecretIdentities: Sendable {
    private struct FixedPath: Sendable {
        let segments: [[UInt8]]
        let rule: String
    }

    private struct State: Sendable {
        var known: [FileIdentity: String] = [:]
        /// Wall-clock second at which the last completed scan started.
        var lastScanWallClock: Int64 = 0
        var generation = 0
    }

    private let fixed: [FixedPath]
    private let extra: @Sendable () -> Set<FileIdentity>
    private let state = Mutex(State())
    private let scanning = Mutex(())
    private let root = Mutex<OwnedFD?>(nil)
    /// ctime has coarse (tick) granularity; treat anything this close to a
    /// scan's start as possibly after it.
    static let ctimeSlackSeconds: Int64 = 2
    /// Entries walked per fixed path at most (a browser profile holds many).
    static let scanLimitPerPath = 200_000

    init(policy: Policy, extra: @escaping @Sendable () -> Set<FileIdentity>) {
        var fixed: [FixedPath] = []
        for entry in policy.spec.secrets {
            for p in entry.patterns where SecretIdentities.isFixed(p.text) {
                fixed.append(FixedPath(segments: SecretIdentities.segments(p.text), rule: "hardlink-secret"))
            }
        }
        for p in policy.spec.deny where SecretIdentities.isFixed(p.text) {
            fixed.append(FixedPath(segments: SecretIdentities.segments(p.text), rule: "hardlink-secret"))
        }
        self.fixed = fixed
        self.extra = extra
    }

    /// A pattern without wildcards names one path (`\` escapes allowed).
    private static func isFixed(_ text: String) -> Bool {
        var escaped = false
        for b in text.utf8 {
            if escaped { escaped = false; continue }
            if b == UInt8(ascii: "\\") { escaped = true; continue }
            if b == UInt8(ascii: "*") || b == UInt8(ascii: "?") || b == UInt8(ascii: "[") { return false }
        }
        return true
    }

    private static func segments(_ text: String) -> [[UInt8]] {
        var unescaped: [UInt8] = []
        var escaped = false
        for b in text.utf8 {
            if !escaped && b == UInt8(ascii: "\\") { escaped = true; continue }
            escaped = false
            unescaped.append(b)
        }
        return unescaped.split(separator: UInt8(ascii: "/")).map(Array.init)
    }

    /// Whether a file must be hidden by identity, whatever its name.
    ///
    /// Making a hard link changes the inode's ctime. An unknown multiply-
    /// linked file whose ctime predates the last scan was already linked
    /// when that scan ran, so the scan's answer stands; one changed since
    /// (or just before: ctime is coarse) triggers a fresh scan first. Old
    /// hard links (package stores, backups) thus never cause rescans, and a
    /// secret linked a moment ago is never missed.
    func isHidden(_ st: FileStat) -> Bool {
        // The log itself is hidden by path; only another link to it needs this.
        guard st.kind == .regular, st.nlink > 1 else { return false }
        if extra().contains(st.identity) { return true }
        let (known, scanStart, generation) = state.withLock {
            ($0.known[st.identity] != nil, $0.lastScanWallClock, $0.generation)
        }
        if known { return true }
        guard st.ctime.seconds >= scanStart - SecretIdentities.ctimeSlackSeconds,
              let rootFD = root.withLock({ $0 }) else { return false }
        // One scan at a time; callers that waited for another thread's scan,
        // which started after they looked, take its answer instead of scanning again.
        scanning.withLock { _ in
            if state.withLock({ $0.generation }) == generation { rescan(root: rootFD) }
        }
        return state.withLock { $0.known[st.identity] != nil }
    }

    func rule(for st: FileStat) -> String {
        extra().contains(st.identity) ? "audit-log" : "hardlink-secret"
    }

    /// Walks every fixed secret path from the source root, never following
    /// symlinks nor crossing mounts, and records the regular files found.
    func rescan(root rootFD: OwnedFD) {
        root.withLock { $0 = rootFD }
        let started = Int64(time(nil))
        var found: [FileIdentity: String] = [:]
        for path in fixed {
            var budget = SecretIdentities.scanLimitPerPath
            var dir = rootFD
            var ok = true
            for segment in path.segments.dropLast() {
                guard let raw = try? Sys.open(in: dir.raw, segment, flags: Sys.O_PATH | Sys.O_DIRECTORY) else { ok = false; break }
                dir = OwnedFD(adopting: raw)
            }
            guard ok, let last = path.segments.last, let st = try? Sys.stat(in: dir.raw, last) else { continue }
            switch st.kind {
            case .regular:
                found[st.identity] = path.rule
            case .directory:
                guard let raw = try? Sys.open(in: dir.raw, last, flags: Sys.O_PATH | Sys.O_DIRECTORY) else { continue }
                walk(OwnedFD(adopting: raw), depth: 0, rule: path.rule, into: &found, budget: &budget)
            default:
                continue
            }
        }
        state.withLock { s in
            s.known = found
            s.lastScanWallClock = started
            s.generation += 1
        }
    }

    private func walk(_ dir: OwnedFD, depth: Int, rule: String, into found: inout [FileIdentity: String], budget: inout Int) {
        guard depth < 32, budget > 0, let raw = try? Sys.reopenDirectory(dir.raw) else { return }
        let stream = OwnedFD(adopting: raw)
        guard let names = try? Sys.directoryNames(stream.raw) else { return }
        budget -= names.count
        for name in names {
            guard let st = try? Sys.stat(in: dir.raw, name) else { continue }
            if st.kind == .regular {
                found[st.identity] = rule
            } else if st.kind == .directory, let sub = try? Sys.open(in: dir.raw, name, flags: Sys.O_PATH | Sys.O_DIRECTORY) {
                walk(OwnedFD(adopting: sub), depth: depth + 1, rule: rule, into: &found, budget: &budget)
            }
        }
    }
}
