import GateAuditFormat

/// Totals over a log: bytes read and opens per path, what was changed where,
/// denials by rule, and the busiest processes.
///
/// Bytes read and written come from `close` lines (exact per handle, and
/// present in both read modes); for handles still open when the log ends, the
/// sums of their `read` and `write` lines are used instead. Handles are numbered per mount, so a `mount` line
/// settles the previous mount's open handles. `gatefs log summary` renders them.
public struct AuditSummary: Sendable {
    public struct PathStats: Sendable, Equatable {
        public var opens = 0
        public var failedOpens = 0
        public var bytes: UInt64 = 0
        public var denials = 0
    }

    /// What was done to one path through a write grant.
    public struct ChangeStats: Sendable, Equatable {
        public var writes: UInt64 = 0
        public var bytesWritten: UInt64 = 0
        /// The other change events by name (`create` 1, `setattr` 2); a
        /// `rename` counts at its source and at its destination.
        public var events: [String: Int] = [:]
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
    /// Paths changed through the view ("files changed").
    public private(set) var changes: [String: ChangeStats] = [:]
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
        var writesFromLines: UInt64 = 0
        var bytesFromWrites: UInt64 = 0
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
        switch record.kind {
        case .mount:
            settleOpenHandles()
        case .open:
            if record.result == "ok" {
                paths[record.path, default: PathStats()].opens += 1
                processes[process, default: ProcessStats()].opens += 1
                if let handle = record.handle {
                    openHandles[handle] = OpenHandle(path: record.path, process: process, bytesFromReads: 0)
                }
            } else {
                paths[record.path, default: PathStats()].failedOpens += 1
            }
        case .read:
            if let handle = record.handle, let bytes = record.bytes {
                openHandles[handle]?.bytesFromReads += bytes
            }
        case .close:
            let bytes = record.bytes ?? 0
            let owner = record.handle.flatMap { openHandles.removeValue(forKey: $0) }
            paths[owner?.path ?? record.path, default: PathStats()].bytes += bytes
            processes[owner?.process ?? process, default: ProcessStats()].bytes += bytes
            if let writes = record.writes {
                addWrites(writes, bytes: record.written ?? 0, to: owner?.path ?? record.path)
            }
        case .deny:
            let count = Int(clamping: record.denials)
            denials += record.denials
            paths[record.path, default: PathStats()].denials += count
            processes[process, default: ProcessStats()].denials += count
            denialsByRule[record.rule ?? "?", default: 0] += count
        case .opendir:
            directoryOpens += 1
            if record.result != "ok" { refusedDirectoryOpens += 1 }
        case .rotate:
            if let file = record.file { rotatedAway.append(file) }
        case .backpressure:
            backpressureMicroseconds += record.waitedMicroseconds ?? 0
        default:
            addChange(record, process: process)
        }
    }

    /// A change line: a write counts into its handle until the `close`
    /// line's totals settle it; a `create` opens a handle as `open` does.
    private mutating func addChange(_ record: AuditRecord, process: String) {
        guard let kind = record.kind, kind.isChange else { return }
        switch kind {
        case .write:
            if let handle = record.handle {
                openHandles[handle]?.writesFromLines += 1
                openHandles[handle]?.bytesFromWrites += record.bytes ?? 0
            }
            return
        case .create:
            if let handle = record.handle {
                openHandles[handle] = OpenHandle(path: record.path, process: process, bytesFromReads: 0)
            }
        case .rename:
            if let to = record.to { changes[to, default: ChangeStats()].events[record.event, default: 0] += 1 }
        default:
            break
        }
        changes[record.path, default: ChangeStats()].events[record.event, default: 0] += 1
    }

    private mutating func addWrites(_ writes: UInt64, bytes: UInt64, to path: String) {
        changes[path, default: ChangeStats()].writes += writes
        changes[path, default: ChangeStats()].bytesWritten += bytes
    }

    /// Counts the reads of handles that never got a `close` line.
    public mutating func finish() {
        settleOpenHandles()
    }

    private mutating func settleOpenHandles() {
        for handle in openHandles.values {
            paths[handle.path, default: PathStats()].bytes += handle.bytesFromReads
            processes[handle.process, default: ProcessStats()].bytes += handle.bytesFromReads
            if handle.writesFromLines > 0 {
                addWrites(handle.writesFromLines, bytes: handle.bytesFromWrites, to: handle.path)
            }
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
            if record.kind == .mount, record.mountpoint == mountpoint {
                summary = AuditSummary()
                inSession = true
            }
            guard inSession else { continue }
            summary.add(record)
            if record.kind == .unmount, record.mountpoint == mountpoint { inSession = false }
        }
        summary.finish()
        return summary
    }
}
