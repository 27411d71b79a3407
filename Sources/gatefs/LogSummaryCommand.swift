import ArgumentParser
import GateAuditReader

/// `gatefs log summary [FILE]`: what was read, what was denied, and by whom.
struct LogSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Summarize the log: bytes read and opens per path, denials by rule, top processes.",
        discussion: "Exit status 2 when the log cannot be read.")

    @OptionGroup var log: LogFileOptions

    @Option(help: "Rows per table.")
    var top = 10

    func validate() throws {
        guard top > 0 else { throw ValidationError("--top must be positive") }
    }

    func run() throws {
        let summary: AuditSummary
        do {
            summary = try AuditSummary.load(path: log.path)
        } catch {
            StandardError.report("\(error)")
            throw ExitCode(2)
        }
        LogOutput.show(summary.render(top: top))
    }
}
