import Synchronization

/// Open files and directories by handle id. Ids are never reused within a mount.
final class HandleTable: Sendable {
    private struct State: Sendable {
        var next: UInt64 = 1
        var files: [UInt64: OpenFile] = [:]
        var directories: [UInt64: OpenDirectory] = [:]
    }

    private let state = Mutex(State())

    func insert(_ file: OpenFile) -> FileHandle {
        state.withLock { s in
            let id = s.next
            s.next += 1
            s.files[id] = file
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
    func removeFile(_ fh: FileHandle) -> OpenFile? { state.withLock { $0.files.removeValue(forKey: fh.raw) } }
    func removeDirectory(_ fh: FileHandle) -> OpenDirectory? { state.withLock { $0.directories.removeValue(forKey: fh.raw) } }
    /// Empties the table, returning the files that were still open.
    func drain() -> [(FileHandle, OpenFile)] {
        state.withLock { s in
            let files = s.files.map { (FileHandle($0.key), $0.value) }.sorted { $0.0.raw < $1.0.raw }
            s.files.removeAll()
            s.directories.removeAll()
            return files
        }
    }

    var count: Int { state.withLock { $0.files.count + $0.directories.count } }
}
