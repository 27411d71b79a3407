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
        _ tree: SourceTree, allow: [String] = ["**"], write: [String] = [], deny: [String] = [], log: Log = .none,
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
        var spec = try GateConfig().policySpec(
            extraAllow: allow.map { try Pattern($0) }, extraDeny: deny.map { try Pattern($0) }, hidden: hidden)
        let grants = try write.map { try Pattern($0) }
        spec.allow += grants
        spec.write += grants
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

    // MARK: - Changes

    /// Creates `name` in the directory `path` and opens it for writing.
    func create(_ path: String, _ name: String, mode: UInt32 = 0o644, flags: Int32 = O_WRONLY | O_CREAT)
        -> Result<(InodeNumber, FileHandle), Errno>
    {
        Result { () throws(Errno) in
            let parent = try requireNode(path)
            let (entry, opened) = try gate.create(
                parent, Array(name.utf8), mode: mode, flags: OpenFlags(openFlags: flags), caller: caller)
            return (entry.ino, opened.handle)
        }
    }

    /// A write as the bridge serves it: the gate names the descriptor, the bytes go there with pwrite.
    func write(_ fh: FileHandle, _ text: String, offset: Int64 = 0) -> Result<Int, Errno> {
        let bytes = Array(text.utf8)
        return Result { () throws(Errno) in
            try gate.write(fh, offset: offset, size: bytes.count, caller: caller) { fd, at throws(Errno) in
                let n = bytes.withUnsafeBytes { Glibc.pwrite(fd.rawValue, $0.baseAddress, $0.count, off_t(at)) }
                if n < 0 { throw Errno(rawValue: Glibc.errno) }
                return n
            }
        }
    }

    func mkdir(_ path: String, _ name: String, mode: UInt32 = 0o755) -> Result<InodeNumber, Errno> {
        Result { () throws(Errno) in try gate.mkdir(try requireNode(path), Array(name.utf8), mode: mode, caller: caller).ino }
    }

    func mknod(_ path: String, _ name: String, mode: UInt32) -> Result<InodeNumber, Errno> {
        Result { () throws(Errno) in try gate.mknod(try requireNode(path), Array(name.utf8), mode: mode, caller: caller).ino }
    }

    func symlink(_ path: String, _ name: String, to target: String) -> Result<InodeNumber, Errno> {
        Result { () throws(Errno) in
            try gate.symlink(Array(target.utf8), try requireNode(path), Array(name.utf8), caller: caller).ino
        }
    }

    /// The kernel looks a name up before it asks to remove or move it (and
    /// the gate checks it still holds that node): so does the harness.
    private func walk(_ path: String, _ name: String) {
        _ = lookup(path.isEmpty || path == "." ? name : path + "/" + name)
    }

    func unlink(_ path: String, _ name: String) -> Result<Void, Errno> {
        walk(path, name)
        return Result { () throws(Errno) in try gate.unlink(try requireNode(path), Array(name.utf8), caller: caller) }
    }

    func rmdir(_ path: String, _ name: String) -> Result<Void, Errno> {
        walk(path, name)
        return Result { () throws(Errno) in try gate.rmdir(try requireNode(path), Array(name.utf8), caller: caller) }
    }

    func rename(_ path: String, _ name: String, to newPath: String, _ newName: String, mode: Sys.RenameMode = .replace)
        -> Result<Void, Errno>
    {
        walk(path, name)
        walk(newPath, newName)
        return Result { () throws(Errno) in
            try gate.rename(
                try requireNode(path), Array(name.utf8), to: try requireNode(newPath), Array(newName.utf8), mode: mode,
                caller: caller)
        }
    }

    func link(_ path: String, to newPath: String, _ newName: String) -> Result<InodeNumber, Errno> {
        Result { () throws(Errno) in
            try gate.link(try requireNode(path), to: try requireNode(newPath), Array(newName.utf8), caller: caller).ino
        }
    }

    func chmod(_ path: String, _ mode: UInt32) -> Result<FileStat, Errno> {
        var request = AttributeRequest()
        request.mode = mode
        return Result { () throws(Errno) in try gate.setattr(try requireNode(path), request, handle: nil, caller: caller).0 }
    }

    func truncate(_ path: String, _ size: UInt64) -> Result<FileStat, Errno> {
        var request = AttributeRequest()
        request.size = size
        return Result { () throws(Errno) in try gate.setattr(try requireNode(path), request, handle: nil, caller: caller).0 }
    }

    func setxattr(_ path: String, _ name: String, _ value: String) -> Result<Void, Errno> {
        let bytes = Array(value.utf8)
        return Result { () throws(Errno) in
            let ino = try requireNode(path)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            defer { buffer.deallocate() }
            buffer.copyBytes(from: bytes)
            try gate.setxattr(
                ino, name: Array(name.utf8), value: UnsafeRawBufferPointer(rebasing: buffer[..<bytes.count]), flags: 0,
                caller: caller)
        }
    }

    /// `node` for the typed-throws ops: a path that is not shown is ENOENT.
    private func requireNode(_ path: String) throws(Errno) -> InodeNumber {
        if path.isEmpty || path == "." { return .root }
        guard case .entry(let ino) = lookup(path) else { throw Errno.noSuchFileOrDirectory }
        return ino
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
