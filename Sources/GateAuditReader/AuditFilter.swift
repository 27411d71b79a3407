import GateAuditFormat
import GateSystem

/// Which records `gatefs log` shows. All set conditions must hold.
public struct AuditFilter: Sendable, Equatable {
    /// Only denials (see `AuditRecord.isDenial`).
    public var deniedOnly: Bool
    /// Only these events; empty means all.
    public var events: Set<String>
    /// A shell glob over the path's escaped text; `*` also matches `/`, so
    /// `*.env` finds `.env` files at any depth.
    public var pathGlob: String?
    /// A shell glob over the process name (`/proc/PID/comm`).
    public var process: String?
    public var pid: Int32?
    public var since: AuditTime?

    /// Every event a writer produces.
    public static let knownEvents: [String] = AuditEventName.allCases.map(\.rawValue)

    public init(
        deniedOnly: Bool = false, events: Set<String> = [], pathGlob: String? = nil, process: String? = nil,
        pid: Int32? = nil, since: AuditTime? = nil
    ) {
        self.deniedOnly = deniedOnly
        self.events = events
        self.pathGlob = pathGlob
        self.process = process
        self.pid = pid
        self.since = since
    }

    public var isEmpty: Bool {
        self == AuditFilter()
    }

    public func matches(_ record: AuditRecord) -> Bool {
        if deniedOnly && !record.isDenial { return false }
        if !events.isEmpty && !events.contains(record.event) { return false }
        if let pid, record.pid != pid { return false }
        if let since, record.time < since { return false }
        if let pathGlob, !Self.glob(pathGlob, record.path) { return false }
        if let process {
            guard let name = record.process, Self.glob(process, name) else { return false }
        }
        return true
    }

    /// `*` crosses `/`.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        Sys.globMatches(pattern, text)
    }
}
