import Foundation
import GateAuditReader
import Glibc

/// The audit log as the agent tests read it: its records, waited for.
enum AgentAuditLog {
    /// Every complete line of the log (a torn last line is skipped).
    static func load(_ path: String) -> [AuditRecord] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { AuditRecord.parse(String($0)) }
    }

    /// The log once a line matching `predicate` is in it (the writer is
    /// asynchronous), or nil at the deadline.
    static func wait(
        for path: String, timeout: Double = 10, _ predicate: (AuditRecord) -> Bool
    ) -> [AuditRecord]? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let lines = load(path)
            if lines.contains(where: predicate) { return lines }
            if Date() > deadline { return nil }
            usleep(20_000)
        }
    }

    /// Reads `file` (which nothing else in the test opens) through the view
    /// from this process, then waits until that `open` is logged. Events are
    /// queued in order, so every request the daemon saw before is logged
    /// too: a barrier before asserting that something was NOT logged.
    static func barrier(log: String, view: String, file: String, timeout: Double = 10) -> [AuditRecord]? {
        _ = Posix.readFile(view + "/" + file)
        let me = getuid()
        return wait(for: log, timeout: timeout) { $0.event == "open" && $0.path == file && $0.uid == me }
    }
}
