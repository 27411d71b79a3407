import ArgumentParser

@main
struct GatefsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatefs",
        abstract: "An allow-listed, audited view of your home directory for AI agents, writable only where a rule grants it.",
        version: GatefsVersion.string,
        subcommands: [MountCommand.self, UnmountCommand.self, StatusCommand.self, LogCommand.self, RunCommand.self])
}
