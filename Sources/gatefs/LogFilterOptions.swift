import ArgumentParser
import GateAuditFormat
import GateAuditReader
import GateAuditWriter

/// `gatefs log` filters; every given filter must match.
struct LogFilterOptions: ParsableArguments {
    @Flag(help: "Only denials (deny lines, and opens refused with EACCES/EPERM).")
    var denied = false

    @Option(name: .customLong("event"), parsing: .singleValue,
            help: ArgumentHelp("Only this event; repeat or comma-separate for several (\(AuditFilter.knownEvents.joined(separator: ", "))).", valueName: "name"))
    var events: [String] = []

    @Option(name: .customLong("path"), help: ArgumentHelp("Only paths matching this glob (* also matches /).", valueName: "glob"))
    var pathGlob: String?

    @Option(help: ArgumentHelp("Only processes whose name matches this glob.", valueName: "glob"))
    var process: String?

    @Option(help: "Only this process id.")
    var pid: Int32?

    @Option(help: ArgumentHelp("Only events at or after TIME: RFC 3339 (2026-11-23T09:00:00Z) or a span back from now (90s, 10m, 2h, 1d, 1w, 1h30m).", valueName: "time"))
    var since: String?

    var eventNames: Set<String> {
        Set(events.flatMap { $0.split(separator: ",").map { String($0) } })
    }

    func validate() throws {
        let unknown = eventNames.subtracting(AuditFilter.knownEvents)
        guard unknown.isEmpty else {
            throw ValidationError("unknown event \(unknown.sorted().joined(separator: ", ")); known: \(AuditFilter.knownEvents.joined(separator: ", "))")
        }
        if let since, AuditTime.parse(since: since, now: .now()) == nil {
            throw ValidationError("--since \(since): expected RFC 3339 or a span like 10m, 2h, 1d")
        }
    }

    func filter(now: AuditTime) -> AuditFilter {
        AuditFilter(
            deniedOnly: denied, events: eventNames, pathGlob: pathGlob, process: process, pid: pid,
            since: since.flatMap { AuditTime.parse(since: $0, now: now) })
    }
}
