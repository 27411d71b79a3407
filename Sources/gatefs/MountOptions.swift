import ArgumentParser

/// The flags that describe a view and its daemon, shared by `mount` and `run`.
struct MountOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file (default: $XDG_CONFIG_HOME/gatefs/config.toml if it exists).", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Directory to expose (default: the config's `source`, else $HOME).", valueName: "DIR"))
    var source: String?

    @Option(name: .long, help: ArgumentHelp("Show paths matching PATTERN (relative to the source). Repeatable.", valueName: "PATTERN"))
    var allow: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Show paths matching PATTERN and let them be changed through the view (deny rules and the built-in secrets still win). Repeatable.",
        valueName: "PATTERN"))
    var allowWrite: [String] = []

    @Option(name: .long, help: ArgumentHelp("Hide paths matching PATTERN, even if allowed. Repeatable.", valueName: "PATTERN"))
    var deny: [String] = []

    @Option(name: .long, help: ArgumentHelp("Audit log file (default: the config's [log] path, else $XDG_STATE_HOME/gatefs/access.jsonl).", valueName: "FILE"))
    var log: String?

    @Option(name: .long, help: ArgumentHelp(
        "Inode numbers the view reports: 'source' (the files' own, so git's index matches) or 'private' (gatefs's own, in lookup order). Default: the config's inode_numbers, else source.",
        valueName: "source|private"))
    var inodeNumbers: String?

    @Flag(name: .long, help: "Let other users (a container runtime, another uid) use the view. Permissions are still checked (default_permissions).")
    var allowOther = false

    @Flag(name: .long, help: ArgumentHelp(
        "Write the daemon's diagnostics (mount plan, rule counts, descriptor limits, secret scan, session start and stop) to stderr with --foreground, else to --debug-log FILE. Never into the audit log."))
    var debug = false

    @Option(name: .long, help: ArgumentHelp(
        "Append the diagnostics to FILE instead (implies --debug; needed without --foreground). A background daemon's later stderr goes there too.",
        valueName: "FILE"))
    var debugLog: String?
}
