import GateSystem
import Foundation

/// One line of /proc/self/mountinfo.
struct KernelMount: Sendable {
    let mountpoint: String
    /// Per-mount options (field 6): "ro", "nosuid", "nodev", ...
    let mountOptions: Set<String>
    let fsType: String
    let source: String
    /// Per-superblock options: "default_permissions", "allow_other", ...
    let superOptions: Set<String>
}

/// The kernel's mount table, as this process sees it. Tests match mounts
/// only by the exact mountpoint paths they created.
enum KernelMounts {
    static func all() -> [KernelMount] {
        // Decode lossily: another test's non-UTF-8 mountpoint must not blank the table.
        guard let data = FileManager.default.contents(atPath: "/proc/self/mountinfo") else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").compactMap(parse)
    }

    static func mount(at path: String) -> KernelMount? {
        all().last { $0.mountpoint == path }
    }

    static func isMounted(_ path: String) -> Bool {
        mount(at: path) != nil
    }

    /// Mounts at `directory` or anywhere beneath it.
    static func mounts(under directory: String) -> [KernelMount] {
        all().filter { $0.mountpoint == directory || $0.mountpoint.hasPrefix(directory + "/") }
    }

    /// `id parent maj:min root mountpoint options [optional...] - fstype source superoptions`
    static func parse(_ line: Substring) -> KernelMount? {
        let f = line.split(separator: " ", omittingEmptySubsequences: false)
        guard f.count >= 10, let dash = f.firstIndex(of: "-"), dash + 3 < f.count else { return nil }
        return KernelMount(
            mountpoint: unescape(f[4]),
            mountOptions: Set(f[5].split(separator: ",").map(String.init)),
            fsType: String(f[dash + 1]),
            source: unescape(f[dash + 2]),
            superOptions: Set(f[dash + 3].split(separator: ",").map(String.init)))
    }

    /// mountinfo writes space, tab, newline and backslash as \ooo.
    private static func unescape(_ s: Substring) -> String {
        String(decoding: MountTable.unescape(Array(s.utf8)[...]), as: UTF8.self)
    }
}
