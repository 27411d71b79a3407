import ArgumentParser
import GateAuditWriter

/// `gatefs log [show] [FILE]`: the log for people, or filtered JSON Lines.
struct LogShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the audit log, one aligned line per event.",
        discussion: "Colors are used when stdout is a terminal and NO_COLOR is unset. Exit status 2 when the log cannot be read.")

    @OptionGroup var log: LogFileOptions
    @OptionGroup var filters: LogFilterOptions

    @Flag(name: .shortAndLong, help: "Keep printing lines as they are written, across rotation (like tail -F).")
    var follow = false

    @Flag(help: "Print matching lines unchanged (JSON Lines) instead of formatting them.")
    var json = false

    func run() throws {
        let view = AuditLogView(
            filter: filters.filter(now: .now()), json: json,
            formatter: AuditFormatter(color: !json && LogOutput.isColorTerminal))
        var output = LogOutput()
        do {
            if follow {
                try view.follow(path: log.path, emit: { output.write($0) }, flush: { output.flush() })
            } else {
                try view.show(path: log.path) { output.write($0) }
            }
        } catch {
            output.flush()
            StandardError.report("\(error)")
            throw ExitCode(2)
        }
        output.flush()
    }
}
