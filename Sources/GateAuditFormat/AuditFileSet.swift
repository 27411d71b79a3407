/// The files of one log: `path.N` … `path.1` (rotated, oldest first) then
/// `path`. The names only; the writer and the reader list the directory.
public enum AuditFileSet {
    /// The directory `path` lies in.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// The N of every `path.N` among `names` (the directory's entries),
    /// ascending. Rotated files are found by name, independent of the
    /// writer's `keep`, so a missing `path.1` does not hide `path.2` and older.
    public static func rotatedIndices(of path: String, among names: [[UInt8]]) -> [Int] {
        let slash = path.lastIndex(of: "/")
        let prefix = Array((slash.map { String(path[path.index(after: $0)...]) } ?? path).utf8) + [UInt8(ascii: ".")]
        return names.compactMap { rotationIndex($0, prefix: prefix) }.sorted()
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
}
