/// Totals over a log: bytes read and opens per path, denials by rule, and the
/// busiest processes.
///
/// Bytes come from `close` lines (exact per handle, and present in both read
/// modes); for handles still open when the log ends, the sum of their `read`
/// lines is used instead. Handles are numbered per mount, so a `mount` line
/// settles the previous mount's open handles.
public struct AuditSummary: Sendable {
    public struct PathStats: Sendable, Equatable {
        public var opens = 0
        public var failedOpens = 0
        public var bytes: UInt64 = 0
        public var denials = 0
    }

    public struct ProcessStats: Sendable, Equatable {
        public var opens = 0
        public var bytes: UInt64 = 0
        public var denials = 0
        public var events = 0
    }

    public private(set) var lines = 0
    public private(set) var first: AuditTime?
    public private(set) var last: AuditTime?
    public private(set) var eventCounts: [String: Int] = [:]
    public private(set) var paths: [String: PathStats] = [:]
    public private(set) var denialsByRule: [String: Int] = [:]
    /// Keyed by process name (`?` when unknown).
    public private(set) var processes: [String: ProcessStats] = [:]
    public private(set) var backpressureMicroseconds: UInt64 = 0
    /// Directory opens, and how many of those were refused (result not `ok`, e.g. EMFILE).
    public private(set) var directoryOpens = 0
    public private(set) var refusedDirectoryOpens = 0
    /// Denials, counting each `repeat` line's count (so lines and denials differ).
    public private(set) var denials: UInt64 = 0
    /// Files rotation deleted, as its `rotate` lines name them.
    public private(set) var rotatedAway: [String] = []

    private struct OpenHandle: Sendable {
        var path: String
        var process: String
        var bytesFromReads: UInt64
    }
    private var openHandles: [UInt64: OpenHandle] = [:]

    public init() {}

    public mutating func add(_ record: AuditRecord) {
        lines += 1
        if first == nil { first = record.time }
        last = record.time
        eventCounts[record.event, default: 0] += 1
        let process = record.process ?? "?"
        processes[process, default: ProcessStats()].events += 1
        switch record.event {
        case "mount":
            settleOpenHandles()
        case "open":
            if record.result == "ok" {
                paths[record.path, default: PathStats()].opens += 1
                processes[process, default: ProcessStats()].opens += 1
                if let handle = record.handle {
                    openHandles[handle] = OpenHandle(path: record.path, process: process, bytesFromReads: 0)
                }
            } else {
                paths[record.path, default: PathStats()].failedOpens += 1
            }
        case "read":
            if let handle = record.handle, let bytes = record.bytes {
                openHandles[handle]?.bytesFromReads += bytes
            }
        case "close":
            let bytes = record.bytes ?? 0
            let owner = record.handle.flatMap { openHandles.removeValue(forKey: $0) }
            paths[owner?.path ?? record.path, default: PathStats()].bytes += bytes
            processes[owner?.process ?? process, default: ProcessStats()].bytes += bytes
        case "deny":
            let count = Int(clamping: record.denials)
            denials += record.denials
            paths[record.path, default: PathStats()].denials += count
            processes[process, default: ProcessStats()].denials += count
            denialsByRule[record.rule ?? "?", default: 0] += count
        case "opendir":
            directoryOpens += 1
            if record.result != "ok" { refusedDirectoryOpens += 1 }
        case "rotate":
            if let file = record.file { rotatedAway.append(file) }
        case "backpressure":
            backpressureMicroseconds += record.waitedMicroseconds ?? 0
        default:
            break
        }
    }

    /// Counts the reads of handles that never got a `close` line.
    public mutating func finish() {
        settleOpenHandles()
    }

    private mutating func settleOpenHandles() {
        for handle in openHandles.values {
            paths[handle.path, default: PathStats()].bytes += handle.bytesFromReads
            processes[handle.process, default: ProcessStats()].bytes += handle.bytesFromReads
        }
        openHandles.removeAll()
    }

    /// Reads the log and its rotated predecessors. Lines that do not parse are skipped.
    public static func load(path: String) throws(AuditLogError) -> AuditSummary {
        var summary = AuditSummary()
        let reader = try AuditReader(path: path)
        while let line = try reader.next() {
            if let record = try? line.parse() { summary.add(record) }
        }
        summary.finish()
        return summary
    }

    /// The summary of one mount's session: the lines from the last `mount`
    /// of `mountpoint` through its `unmount`, in a log shared with others.
    public static func loadSession(path: String, mountpoint: String) throws(AuditLogError) -> AuditSummary {
        var summary = AuditSummary()
        var inSession = false
        let reader = try AuditReader(path: path)
        while let line = try reader.next() {
            guard let record = try? line.parse() else { continue }
            if record.event == "mount", record.mountpoint == mountpoint {
                summary = AuditSummary()
                inSession = true
            }
            guard inSession else { continue }
            summary.add(record)
            if record.event == "unmount", record.mountpoint == mountpoint { inSession = false }
        }
        summary.finish()
        return summary
    }

    /// A plain-text report; `top` limits each table.
    public func render(top: Int = 10) -> String {
        var out: [String] = []
        let span = first.map { f in "\(f.rfc3339) … \((last ?? f).rfc3339)" } ?? "no events"
        out.append("\(lines) lines, \(span)")
        let counts = AuditFilter.knownEvents.compactMap { name in eventCounts[name].map { "\(name) \($0)" } }
        out.append("events: " + (counts.isEmpty ? "none" : counts.joined(separator: ", ")))
        if directoryOpens > 0 {
            out.append("directories opened: \(directoryOpens)" + (refusedDirectoryOpens > 0 ? " (\(refusedDirectoryOpens) refused)" : ""))
        }
        if denials > 0 { out.append("denials: \(denials)") }
        if !rotatedAway.isEmpty {
            out.append("rotated away: \(rotatedAway.count) file\(rotatedAway.count == 1 ? "" : "s") (older lines are gone)")
        }
        if backpressureMicroseconds > 0 {
            out.append("backpressure: callers blocked \(AuditFormatter.humanDuration(backpressureMicroseconds)) in all")
        }

        let byBytes = paths.filter { $0.value.opens > 0 || $0.value.bytes > 0 }
            .sorted { ($0.value.bytes, $0.value.opens, $1.key) > ($1.value.bytes, $1.value.opens, $0.key) }
        out.append("")
        out.append("Files read (by bytes)" + (byBytes.count > top ? ", top \(top) of \(byBytes.count)" : ""))
        for (path, stats) in byBytes.prefix(top) {
            out.append("  " + leftPad(AuditFormatter.humanBytes(stats.bytes), 10) + "  " + leftPad("\(stats.opens)", 5) + " open\(stats.opens == 1 ? " " : "s")  " + AuditFormatter.sanitize(path))
        }
        if byBytes.isEmpty { out.append("  none") }

        let rules = denialsByRule.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        out.append("")
        out.append("Denials by rule")
        for (rule, count) in rules.prefix(top) {
            out.append("  " + leftPad("\(count)", 7) + "  " + AuditFormatter.sanitize(rule))
        }
        if rules.isEmpty { out.append("  none") }

        let denied = paths.filter { $0.value.denials > 0 }.sorted { ($0.value.denials, $1.key) > ($1.value.denials, $0.key) }
        if !denied.isEmpty {
            out.append("")
            out.append("Most denied paths")
            for (path, stats) in denied.prefix(top) {
                out.append("  " + leftPad("\(stats.denials)", 7) + "  " + AuditFormatter.sanitize(path))
            }
        }

        let busiest = processes.sorted { ($0.value.events, $1.key) > ($1.value.events, $0.key) }
        out.append("")
        out.append("Top processes" + "  " + leftPad("events", 8) + leftPad("opens", 8) + leftPad("read", 12) + leftPad("denials", 9))
        for (name, stats) in busiest.prefix(top) {
            let label = AuditFormatter.sanitize(name)
            out.append("  " + label + String(repeating: " ", count: max(1, 13 - label.count)) + leftPad("\(stats.events)", 8) + leftPad("\(stats.opens)", 8)
                + leftPad(AuditFormatter.humanBytes(stats.bytes), 12) + leftPad("\(stats.denials)", 9))
        }
        return out.joined(separator: "\n")
    }

    private func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
