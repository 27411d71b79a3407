import Foundation

/// The mounts the kernel reports in /proc/self/mountinfo.
struct MountTable {
    struct Mount: Sendable {
        let mountpoint: String
        let fsType: String
        let source: String
        var isGatefs: Bool { fsType == "fuse.gatefs" }
    }

    static func current() -> [Mount] {
        // Decode lossily: one mountpoint whose name is not UTF-8 must not hide every other mount.
        guard let data = FileManager.default.contents(atPath: "/proc/self/mountinfo") else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").compactMap(parse)
    }

    static func gatefsMounts() -> [Mount] { current().filter(\.isGatefs) }

    /// `id parent maj:min root mountpoint options [optional...] - fstype source superoptions`
    static func parse(_ line: Substring) -> Mount? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count >= 10, let dash = fields.firstIndex(of: "-"), dash + 2 < fields.count else { return nil }
        return Mount(
            mountpoint: unescape(fields[4]), fsType: String(fields[dash + 1]), source: unescape(fields[dash + 2]))
    }

    /// mountinfo writes space, tab, newline and backslash as \ooo octal.
    static func unescape(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "\\"), it.count >= 3,
               let v = UInt8(String(decoding: it.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(v)
                it = it.dropFirst(3)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
