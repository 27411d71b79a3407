@testable import Gate
import GateAuditFormat
import GateAuditReader
import GateAuditWriter
import GateConfig
import GatePolicy
import GateSystem
import Glibc
import SystemPackage

/// Drives a `GateFileSystem` on a `SourceTree` the way the FUSE bridge
/// does, with no kernel in between: the one place that knows the gate's op
/// signatures, so a change to them is adapted here and not in every test.
///
/// The gate is built as `Daemon.serve` builds it: the policy from the
/// shipped config (built-in secrets on) plus `--allow`/`--deny` rules and
/// the paths the CLI hides for itself; `isAuditFile` from the log's file
/// identities. Each op answers a `Result`, and a lookup answers what the
/// bridge would reply (running a hidden name's `after` work at once).
final class GateHarness {
    /// Where the audit log goes, if there is one.
    enum Log {
        case none
        /// Beside the source, as by default.
        case outside
        /// Inside the source at this relative path (hidden from the view by name and identity).
        case inSource(String)
    }

    let tree: SourceTree
    let gate: GateFileSystem
    let audit: AuditLog?
    let logPath: String?
    let caller = Caller(pid: getpid(), uid: getuid(), gid: getgid())
    private let info: MountInfo

    init(
        _ tree: SourceTree, allow: [String] = ["**"], deny: [String] = [], log: Log = .none,
        mountpointInSource: String? = nil, configure: (inout GateSettings) -> Void = { _ in }
    ) throws {
        self.tree = tree
        let mountpoint = mountpointInSource.map(tree.path) ?? tree.mountpoint
        var hidden: [HiddenPath] = []
        if let rel = mountpointInSource { hidden.append(HiddenPath(path: rel, reason: "mountpoint", prefixMatch: false)) }
        switch log {
        case .none: logPath = nil
        case .outside: logPath = tree.top + "/log/audit.jsonl"
        case .inSource(let rel):
            logPath = tree.path(rel)
            hidden.append(HiddenPath(path: rel, reason: "audit-log", prefixMatch: true))
        }
        let spec = try GateConfig().policySpec(
            extraAllow: allow.map { try Pattern($0) }, extraDeny: deny.map { try Pattern($0) }, hidden: hidden)
        var settings = GateSettings(source: tree.source, policy: Policy(spec))
        audit = try logPath.map { try AuditLog.open(AuditConfig(path: $0)) }
        if let files = audit?.fileIdentities {
            settings.isAuditFile = { files.contains(dev: $0.dev, ino: $0.ino) }
        }
        configure(&settings)
        info = MountInfo(source: tree.source, mountpoint: mountpoint, options: ["ro"], policyDigest: "", rules: 0)
        gate = try GateFileSystem(settings: settings, mountpoint: mountpoint, audit: audit)
    }

    deinit {
        gate.releaseAll()
        audit?.close(final: .unmount(info))
    }

    // MARK: - Names

    /// What the bridge replies to one lookup.
    enum Reply: Equatable {
        case entry(InodeNumber)
        case negative(timeout: Double)
        case error(Int32)
    }

    func lookup(in parent: InodeNumber, _ name: String) -> Reply {
        do throws(Errno) {
            switch try gate.lookup(parent, Array(name.utf8), caller: caller) {
            case .entry(let entry): return .entry(entry.ino)
            case .negative(let after):
                after?()
                return .negative(timeout: gate.negativeTimeout)
            }
        } catch {
            return .error(error.rawValue)
        }
    }

    /// Looks `path` up name by name from the root, as the kernel walks it;
    /// the first name that is not an entry gives the answer.
    func lookup(_ path: String) -> Reply {
        var reply = Reply.entry(.root)
        for name in path.split(separator: "/") {
            guard case .entry(let parent) = reply else { return reply }
            reply = lookup(in: parent, String(name))
        }
        return reply
    }

    /// The node of a path the view must show.
    func node(_ path: String) throws -> InodeNumber {
        guard case .entry(let ino) = lookup(path) else { throw TreeError("\(path) is not shown: \(lookup(path))") }
        return ino
    }

    func forget(_ ino: InodeNumber, _ count: UInt64 = 1) { gate.forget(ino, count: count) }

    /// The kernel references the gate counts on a node (0 once it is gone).
    func references(_ ino: InodeNumber) -> UInt64 { gate.table.record(ino)?.nlookup ?? 0 }

    func getattr(_ ino: InodeNumber) -> Result<FileStat, Errno> {
        Result { () throws(Errno) in try gate.getattr(ino).0 }
    }

    func access(_ ino: InodeNumber, _ mask: Int32) -> Result<Void, Errno> {
        Result { () throws(Errno) in try gate.access(ino, wantsWrite: mask & W_OK != 0) }
    }

    func readlink(_ ino: InodeNumber) -> Result<String, Errno> {
        Result { () throws(Errno) in String(decoding: try gate.readlink(ino, caller: caller), as: UTF8.self) }
    }

    /// Symlink resolution on its own: the canonical target from the source
    /// root, as `readlink` and `lookup` use it.
    func resolve(_ target: String, from directory: InodeNumber) -> Result<String, Errno> {
        Result { () throws(Errno) in
            try gate.resolveLink(Array(target.utf8), from: directory).map { String(decoding: $0, as: UTF8.self) }
                .joined(separator: "/")
        }
    }

    // MARK: - Files

    func open(_ ino: InodeNumber, flags: Int32 = O_RDONLY) -> Result<FileHandle, Errno> {
        Result { () throws(Errno) in try gate.open(ino, flags: OpenFlags(openFlags: flags), caller: caller).handle }
    }

    /// A read as the bridge serves it: the gate names the descriptor and
    /// range, and the bytes come from there (pread instead of splice).
    func read(_ fh: FileHandle, offset: Int64 = 0, size: Int = 65_536) -> Result<[UInt8], Errno> {
        Result { () throws(Errno) in
            let source = try gate.read(fh, offset: offset, size: size, caller: caller)
            let bytes = [UInt8](unsafeUninitializedCapacity: source.size) { buf, count in
                count = max(0, pread(source.fd.rawValue, buf.baseAddress, source.size, off_t(source.offset)))
            }
            return bytes
        }
    }

    func release(_ fh: FileHandle) { gate.release(fh, caller: caller) }

    /// The whole content of a shown file, read through the gate.
    func contents(_ path: String) throws -> [UInt8] {
        let fh = try open(try node(path)).get()
        defer { release(fh) }
        var out: [UInt8] = []
        while true {
            let chunk = try read(fh, offset: Int64(out.count), size: 4096).get()
            out += chunk
            if chunk.count < 4096 { return out }
        }
    }

    func getxattr(_ ino: InodeNumber, _ name: String, size: Int) -> Result<[UInt8], Errno> {
        Result { () throws(Errno) in try gate.getxattr(ino, name: Array(name.utf8), size: size, caller: caller) }
    }

    func listxattr(_ ino: InodeNumber) -> Result<[UInt8], Errno> {
        Result { () throws(Errno) in try gate.listxattr(ino) }
    }

    /// The figures of `statfs` the view's privacy depends on.
    struct FreeSpace: Equatable {
        var unit, blocks, blocksFree, blocksAvailable, files, filesFree, filesAvailable, fsid: UInt64
    }

    func statfs() -> Result<FreeSpace, Errno> {
        Result { () throws(Errno) in
            let s = try gate.statfs(.root)
            return FreeSpace(
                unit: s.fragmentSize > 0 ? s.fragmentSize : s.blockSize, blocks: s.blocks,
                blocksFree: s.freeBlocks, blocksAvailable: s.availableBlocks, files: s.files,
                filesFree: s.freeFiles, filesAvailable: s.availableFiles, fsid: s.fileSystemID)
        }
    }

    // MARK: - Directories

    struct OpenedDirectory: Equatable {
        var handle: FileHandle
        var keepListing: Bool
    }

    /// One entry a readdir emitted; `node` is set for readdirplus.
    struct Listed: Equatable {
        var name: String
        var kind: FileKind
        var nextOffset: Int64
        var node: InodeNumber?
        /// The inode number the entry shows (`d_ino`), when the gate gives one.
        var shownIno: UInt64?
    }

    func opendir(_ ino: InodeNumber) -> Result<OpenedDirectory, Errno> {
        Result { () throws(Errno) in
            let (fh, keep) = try gate.opendir(ino, caller: caller)
            return OpenedDirectory(handle: fh, keepListing: keep)
        }
    }

    func releasedir(_ fh: FileHandle) { gate.releasedir(fh) }

    /// One readdir request whose reply buffer holds `room` entries: the
    /// entry after them is refused, as a full buffer refuses it.
    func readdir(_ fh: FileHandle, offset: Int64 = 0, plus: Bool = false, room: Int = .max) -> Result<[Listed], Errno> {
        Result { () throws(Errno) in
            var out: [Listed] = []
            try gate.readdir(fh, offset: offset, plus: plus, caller: caller) { item, entry, attributes in
                guard out.count < room else { return false }
                out.append(Listed(
                    name: String(decoding: item.name, as: UTF8.self), kind: item.kind, nextOffset: item.nextOffset,
                    node: entry?.ino, shownIno: attributes?.ino))
                return true
            }
            return out
        }
    }

    /// The names a directory lists, "." and ".." left out, in listing order.
    func list(_ path: String, plus: Bool = false) throws -> [String] {
        let dir = try opendir(try node(path)).get()
        defer { releasedir(dir.handle) }
        return try readdir(dir.handle, plus: plus).get().map(\.name).filter { $0 != "." && $0 != ".." }
    }

    // MARK: - Audit

    /// Every line of the log, once all queued events are written: closes the log.
    func auditRecords() throws -> [AuditRecord] {
        guard let audit, let logPath else { throw TreeError("this gate has no audit log") }
        audit.close(final: .unmount(info))
        return try AuditReader(path: logPath).readAll().map { try $0.parse() }
    }
}

extension Result where Failure == Errno {
    /// The errno a failure carries, 0 for success: what the caller would see.
    var errno: Int32 {
        if case .failure(let e) = self { return e.rawValue }
        return 0
    }
}
