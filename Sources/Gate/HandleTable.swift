import Synchronization

/// Who holds a handle, for the caps: the calling process (its thread group:
/// FUSE reports the calling thread) and its container, if any.
public struct HandleOwner: Sendable, Hashable {
    public var process: Int32
    public var container: String?
    /// The caller's uid: several processes of one user share a cap too.
    public var uid: UInt32

    public init(process: Int32, container: String?, uid: UInt32) {
        self.process = process
        self.container = container
        self.uid = uid
    }
}

/// How many handles (open files and open directories together, each one
/// daemon descriptor) may be held at once: in all, by one process, by one
/// container, by one user. The smaller caps keep one caller, or one user's
/// several processes, from taking the last ones.
public struct HandleCaps: Sendable {
    public var total: Int
    public var perProcess: Int
    public var perContainer: Int
    public var perUser: Int

    public init(total: Int, perProcess: Int, perContainer: Int, perUser: Int) {
        self.total = total
        self.perProcess = perProcess
        self.perContainer = perContainer
        self.perUser = perUser
    }
}

/// Open files and directories by handle id. Ids are never reused within a mount.
final class HandleTable: Sendable {
    private struct State: Sendable {
        var next: UInt64 = 1
        var files: [UInt64: OpenFile] = [:]
        var directories: [UInt64: OpenDirectory] = [:]
        var perProcess: [Int32: Int] = [:]
        var perContainer: [String: Int] = [:]
        var perUser: [UInt32: Int] = [:]
        /// Open file handles per node, so a second concurrent handle of a
        /// file can be told to bypass the kernel's page cache.
        var filesPerNode: [UInt64: Int] = [:]

        mutating func admit(_ owner: HandleOwner, _ caps: HandleCaps) -> UInt64? {
            guard files.count + directories.count < caps.total,
                  perProcess[owner.process, default: 0] < caps.perProcess,
                  perUser[owner.uid, default: 0] < caps.perUser else { return nil }
            if let c = owner.container {
                guard perContainer[c, default: 0] < caps.perContainer else { return nil }
                perContainer[c, default: 0] += 1
            }
            perProcess[owner.process, default: 0] += 1
            perUser[owner.uid, default: 0] += 1
            defer { next += 1 }
            return next
        }

        mutating func release(_ owner: HandleOwner) {
            Self.decrement(&perProcess, owner.process)
            Self.decrement(&perUser, owner.uid)
            if let c = owner.container { Self.decrement(&perContainer, c) }
        }

        static func decrement<K: Hashable>(_ table: inout [K: Int], _ key: K) {
            let n = table[key, default: 1] - 1
            table[key] = n > 0 ? n : nil
        }
    }

    private let state = Mutex(State())

    /// Adds an open file, or returns nil when a cap is reached: the hoarding
    /// caller gets EMFILE while everyone else is still served. `concurrent`
    /// says another handle of the same node is open.
    func insert(_ file: OpenFile, caps: HandleCaps) -> (FileHandle, concurrent: Bool)? {
        state.withLock { s in
            guard let id = s.admit(file.owner, caps) else { return nil }
            s.files[id] = file
            let others = s.filesPerNode[file.ino.raw, default: 0]
            s.filesPerNode[file.ino.raw] = others + 1
            return (FileHandle(id), others > 0)
        }
    }

    func insert(_ dir: OpenDirectory, caps: HandleCaps) -> FileHandle? {
        state.withLock { s in
            guard let id = s.admit(dir.owner, caps) else { return nil }
            s.directories[id] = dir
            return FileHandle(id)
        }
    }

    func file(_ fh: FileHandle) -> OpenFile? { state.withLock { $0.files[fh.raw] } }
    func directory(_ fh: FileHandle) -> OpenDirectory? { state.withLock { $0.directories[fh.raw] } }

    func removeFile(_ fh: FileHandle) -> OpenFile? {
        state.withLock { s in
            guard let file = s.files.removeValue(forKey: fh.raw) else { return nil }
            s.release(file.owner)
            State.decrement(&s.filesPerNode, file.ino.raw)
            return file
        }
    }

    func removeDirectory(_ fh: FileHandle) -> OpenDirectory? {
        state.withLock { s in
            guard let dir = s.directories.removeValue(forKey: fh.raw) else { return nil }
            s.release(dir.owner)
            return dir
        }
    }

    /// Every open file, for re-checking them all after the secret set grew.
    func openFiles() -> [(FileHandle, OpenFile)] {
        state.withLock { s in s.files.map { (FileHandle($0.key), $0.value) } }
    }

    /// Empties the table, returning the files that were still open.
    func drain() -> [(FileHandle, OpenFile)] {
        state.withLock { s in
            let files = s.files.map { (FileHandle($0.key), $0.value) }.sorted { $0.0.raw < $1.0.raw }
            s = State(next: s.next)
            return files
        }
    }

    var count: Int { state.withLock { $0.files.count + $0.directories.count } }
}
