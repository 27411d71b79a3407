import ArgumentParser

/// `gatefs log`: the audit log's command group. `show` is the default, so
/// `gatefs log [FILE]` prints the log.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show, verify or summarize the audit log.",
        discussion: """
            FILE defaults to $XDG_STATE_HOME/gatefs/access.jsonl (~/.local/state/gatefs/access.jsonl). \
            Rotated files (FILE.1, FILE.2, …) are read too, oldest first.
            """,
        subcommands: [LogShowCommand.self, LogVerifyCommand.self, LogSummaryCommand.self],
        defaultSubcommand: LogShowCommand.self)
}
