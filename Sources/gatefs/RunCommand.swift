import ArgumentParser
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Mount a temporary view, run COMMAND with it, unmount, and print the session's summary.",
        discussion: """
            COMMAND gets the view's path in the environment variable GATEFS_VIEW, and
            `{view}` in its arguments is replaced by it:

              gatefs run --allow projects/demo --allow-other -- \\
                podman run --rm -v '{view}:/workspace:ro' IMAGE cat /workspace/README.md

            The exit status is COMMAND's (128+N if a signal N killed it). The view is
            unmounted however COMMAND ends; SIGINT and SIGTERM are passed on to it.
            """)

    @OptionGroup var view: MountOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run, after `--`.", valueName: "COMMAND"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to run after `--`") }
    }

    func run() throws {
        var status: Int32 = 0
        try reporting { status = try Runner.run(command, view: view) }
        throw ExitCode(status)
    }
}
