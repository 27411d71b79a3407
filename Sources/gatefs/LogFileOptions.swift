import ArgumentParser

/// The optional FILE argument shared by the `log` subcommands.
struct LogFileOptions: ParsableArguments {
    @Argument(help: "The audit log (default: $XDG_STATE_HOME/gatefs/access.jsonl).", completion: .file())
    var file: String?

    var path: String { file ?? Paths.defaultLogFile }
}
