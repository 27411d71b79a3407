import Glibc

/// The files of one log: `path.N` … `path.1` (rotated, oldest first) then `path`.
public enum AuditFileSet {
    /// Existing files, oldest first. Rotated files are found by listing the
    /// directory for `NAME.<digits>`, independent of the writer's `keep`, so
    /// a missing `path.1` does not hide `path.2` and older (see `missing`).
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

    /// The N of every `path.N` in the directory, ascending.
    static func rotatedIndices(for path: String) -> [Int] {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix = Array((slash.map { String(path[path.index(after: $0)...]) } ?? path).utf8) + [UInt8(ascii: ".")]
        guard let dir = opendir(directory.isEmpty ? "/" : directory) else { return [] }
        defer { closedir(dir) }
        var indices: [Int] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if let index = rotationIndex(name, prefix: prefix) { indices.append(index) }
        }
        return indices.sorted()
    }

    /// `N` when `name` is `prefix` followed by a positive decimal without a
    /// leading zero (at most 6 digits, so no overflow), else nil.
    private static func rotationIndex(_ name: [UInt8], prefix: [UInt8]) -> Int? {
        guard name.count > prefix.count, name.count <= prefix.count + 6, name.starts(with: prefix) else { return nil }
        let digits = name[prefix.count...]
        guard digits.first != UInt8(ascii: "0") else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
