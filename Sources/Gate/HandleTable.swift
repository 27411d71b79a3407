import Synchronization

/// Open files and directories by handle id. Ids are never reused within a mount.
final class HandleTable: Sendable {
    private struct State: Sendable {
        var next: UInt64 = 1
        var files: [UInt64: OpenFile] = [:]
        /// Open files per calling pid, for the per-caller cap.
        var perCaller: [Int32: Int] = [:]
        var directories: [UInt64: OpenDirectory] = [:]
    }

    private let state = Mutex(State())

    /// Adds an open file, or returns nil when the caller already holds
    /// `perCaller` files or the view holds `total`: one process hoarding
    /// descriptors gets EMFILE while everyone else is still served.
    func insert(_ file: OpenFile, perCaller: Int, total: Int) -> FileHandle? {
        state.withLock { s in
            let held = s.perCaller[file.opener, default: 0]
            guard held < perCaller, s.files.count < total else { return nil }
            let id = s.next
            s.next += 1
            s.files[id] = file
            s.perCaller[file.opener] = held + 1
            return FileHandle(id)
        }
    }

    func insert(_ dir: OpenDirectory) -> FileHandle {
        state.withLock { s in
            let id = s.next
            s.next += 1
            s.directories[id] = dir
            return FileHandle(id)
        }
    }

    func file(_ fh: FileHandle) -> OpenFile? { state.withLock { $0.files[fh.raw] } }
    func directory(_ fh: FileHandle) -> OpenDirectory? { state.withLock { $0.directories[fh.raw] } }
    func removeFile(_ fh: FileHandle) -> OpenFile? {
        state.withLock { s in
            guard let file = s.files.removeValue(forKey: fh.raw) else { return nil }
            let held = s.perCaller[file.opener, default: 1] - 1
            s.perCaller[file.opener] = held > 0 ? held : nil
            return file
        }
    }
    func removeDirectory(_ fh: FileHandle) -> OpenDirectory? { state.withLock { $0.directories.removeValue(forKey: fh.raw) } }
    /// Empties the table, returning the files that were still open.
    func drain() -> [(FileHandle, OpenFile)] {
        state.withLock { s in
            let files = s.files.map { (FileHandle($0.key), $0.value) }.sorted { $0.0.raw < $1.0.raw }
            s.files.removeAll()
            s.perCaller.removeAll()
            s.directories.removeAll()
            return files
        }
    }

    var count: Int { state.withLock { $0.files.count + $0.directories.count } }
}
