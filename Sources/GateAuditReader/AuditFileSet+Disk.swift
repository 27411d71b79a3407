import GateAuditFormat
import GateSystem

extension AuditFileSet {
    /// Existing files, oldest first.
    public static func files(for path: String) -> [String] {
        var files = rotatedIndices(for: path).reversed().map { "\(path).\($0)" }
        if exists(path) { files.append(path) }
        return files
    }

    /// Files that should exist but do not: every `path.i` below the oldest
    /// rotated file present, and `path` itself when rotated files exist. The
    /// writer never leaves such a gap, so each one is a deleted file.
    public static func missing(for path: String) -> [String] {
        let present = rotatedIndices(for: path)
        guard let oldest = present.last else { return [] }
        let have = Set(present)
        var out = (1..<oldest).filter { !have.contains($0) }.reversed().map { "\(path).\($0)" }
        if !exists(path) { out.append(path) }
        return out
    }

    /// The N of every `path.N` in the directory, ascending (none when it cannot be listed).
    static func rotatedIndices(for path: String) -> [Int] {
        rotatedIndices(of: path, among: (try? Sys.directoryNames(atPath: directory(of: path))) ?? [])
    }

    static func exists(_ path: String) -> Bool {
        (try? Sys.stat(path: path)) != nil
    }
}
