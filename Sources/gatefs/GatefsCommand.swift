import ArgumentParser

@main
struct GatefsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatefs",
        abstract: "A read-only, allow-listed, audited view of your home directory for AI agents.",
        version: GatefsVersion.string,
        subcommands: [MountCommand.self, UnmountCommand.self, StatusCommand.self, LogCommand.self, RunCommand.self])
}
