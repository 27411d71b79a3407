import Glibc
import SystemPackage

/// The mounts the kernel reports in /proc/self/mountinfo.
public struct MountTable: Sendable {
    public struct Mount: Sendable {
        /// The mountpoint's bytes, unescaped exactly (names need not be UTF-8).
        public let mountpointBytes: [UInt8]
        public let fsType: String
        public let source: String
        /// Lossy: one mountpoint whose name is not UTF-8 must not hide every other mount.
        public var mountpoint: String { String(decoding: mountpointBytes, as: UTF8.self) }
        public var isGatefs: Bool { fsType == "fuse.gatefs" }
        /// A FUSE file system (`fuse`, `fuseblk`, `fuse.NAME`): served by a
        /// process that may stop answering.
        public var isFuse: Bool { fsType == "fuse" || fsType == "fuseblk" || fsType.hasPrefix("fuse.") }
    }

    public static let path = "/proc/self/mountinfo"

    public static func current() -> [Mount] {
        guard let bytes = try? Sys.readFile(path, limit: 16 << 20) else { return [] }
        return bytes.split(separator: UInt8(ascii: "\n")).compactMap(parse)
    }

    public static func gatefsMounts() -> [Mount] { current().filter(\.isGatefs) }

    /// `id parent maj:min root mountpoint options [optional...] - fstype source superoptions`
    static func parse(_ line: ArraySlice<UInt8>) -> Mount? {
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard fields.count >= 10, let dash = fields.firstIndex(where: { $0.elementsEqual([UInt8(ascii: "-")]) }),
              dash + 2 < fields.count else { return nil }
        return Mount(
            mountpointBytes: unescape(fields[4]), fsType: String(decoding: fields[dash + 1], as: UTF8.self),
            source: String(decoding: unescape(fields[dash + 2]), as: UTF8.self))
    }

    /// mountinfo writes space, tab, newline and backslash as \ooo octal.
    public static func unescape(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        var it = s
        while let b = it.popFirst() {
            if b == UInt8(ascii: "\\"), it.count >= 3,
               let v = UInt8(String(decoding: it.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(v)
                it = it.dropFirst(3)
            } else {
                bytes.append(b)
            }
        }
        return bytes
    }
}
