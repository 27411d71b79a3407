import Glibc

/// The files of one log: `path.N` … `path.1` (rotated, oldest first) then `path`.
public enum AuditFileSet {
    /// Existing files, oldest first. Rotated files are found by counting up
    /// from `.1` until one is missing, independent of the writer's `keep`.
    public static func files(for path: String) -> [String] {
        var rotated: [String] = []
        var index = 1
        while exists("\(path).\(index)") {
            rotated.append("\(path).\(index)")
            index += 1
        }
        var files = Array(rotated.reversed())
        if exists(path) { files.append(path) }
        return files
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
