import Foundation
import Glibc

/// What a running daemon records about its mount, for `status` and
/// `unmount`: one small JSON file per mountpoint in the runtime directory.
struct RuntimeState: Codable, Sendable {
    var mountpoint: String
    var source: String
    var pid: Int32
    var log: String
    var rules: Int
    /// The patterns that grant write; nil in a file from before write grants.
    var write: [String]?
    var allowOther: Bool
    var started: Date

    static func file(for mountpoint: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a: a short, stable file name
        for b in mountpoint.utf8 {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return Paths.runtimeDirectory + "/" + String(hash, radix: 16) + ".json"
    }

    func save() throws {
        try FileManager.default.createDirectory(
            atPath: Paths.runtimeDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: RuntimeState.file(for: mountpoint)), options: .atomic)
    }

    static func load(for mountpoint: String) -> RuntimeState? {
        guard let data = FileManager.default.contents(atPath: file(for: mountpoint)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let s = try? decoder.decode(RuntimeState.self, from: data), s.mountpoint == mountpoint else { return nil }
        return s
    }

    static func remove(for mountpoint: String) {
        try? FileManager.default.removeItem(atPath: file(for: mountpoint))
    }

    /// Whether `pid` is still a running gatefs daemon (not a recycled pid).
    var daemonAlive: Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let argv0 = cmdline.split(separator: 0).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return argv0.hasSuffix("gatefs")
    }
}
