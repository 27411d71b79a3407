import ArgumentParser
import Foundation
import GateSystem
import Glibc

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List the live gatefs mounts (stale ones are marked stale).")

    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        let entries = MountStatus.all()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            return
        }
        if entries.isEmpty {
            print("no gatefs mounts")
            return
        }
        for e in entries {
            print("\(e.mountpoint)  [\(e.state)]")
            print("  source  \(e.source ?? "?")")
            print("  pid     \(e.pid.map(String.init) ?? "?")")
            print("  log     \(e.log ?? "?")")
            print("  rules   \(e.rules.map(String.init) ?? "?")")
            print("  write   \(e.write.map { $0.isEmpty ? "none (read-only)" : $0.joined(separator: ", ") } ?? "?")")
        }
    }
}

/// One line of `gatefs status`.
struct MountStatus: Codable, Sendable {
    var mountpoint: String
    var state: String          // "live" or "stale"
    var source: String?
    var pid: Int32?
    var log: String?
    var rules: Int?
    /// The patterns that grant write (empty: the view is read-only).
    var write: [String]?
    var allowOther: Bool?

    static func all() -> [MountStatus] {
        MountTable.gatefsMounts().map { m in
            let s = RuntimeState.load(for: m.mountpoint)
            let alive = s?.daemonAlive ?? false
            // A dead daemon's mount answers ENOTCONN, or ECONNABORTED on newer kernels.
            let reachable = access(m.mountpoint, F_OK) == 0 || (errno != ENOTCONN && errno != ECONNABORTED)
            return MountStatus(
                mountpoint: m.mountpoint, state: alive && reachable ? "live" : "stale", source: s?.source,
                pid: alive ? s?.pid : nil, log: s?.log, rules: s?.rules, write: s?.write,
                allowOther: s?.allowOther)
        }
    }
}
