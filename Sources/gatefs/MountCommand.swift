import ArgumentParser
import Glibc

struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount an allow-listed view of the source directory on MOUNTPOINT, read-only except where --allow-write or write = true grants write.",
        discussion: """
            Without --foreground the command returns once the view is live and leaves the
            daemon running in the background. Stop it with `gatefs unmount MOUNTPOINT`.
            Exit status 2 means bad input (config, flags, paths); nothing was mounted.
            """)

    @OptionGroup var view: MountOptions

    @Flag(name: .long, help: "Serve in this process until unmounted or sent SIGINT/SIGTERM.")
    var foreground = false

    @Option(name: .long, help: .hidden)
    var readyFd: Int32?

    @Argument(help: ArgumentHelp("An empty directory to mount the view on.", valueName: "MOUNTPOINT"))
    var mountpoint: String

    func run() throws {
        try reporting(through: ReadyChannel(fd: readyFd)) {
            let plan = try MountPlan.make(view, mountpoint: mountpoint, foreground: foreground)
            if foreground {
                try Daemon.serve(plan, ready: ReadyChannel(fd: readyFd), diagnostics: try Diagnostics(plan.debug))
                return
            }
            try Spawner.startDaemon(view, mountpoint: plan.mountpoint)
            if !plan.allowOther {
                StandardError.report("""
                    note: mounted without --allow-other: only uid \(getuid()) can use the view; \
                    a container engine's daemon or another user gets "permission denied".
                    """)
            }
        }
    }
}
