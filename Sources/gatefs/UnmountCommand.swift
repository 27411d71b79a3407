import ArgumentParser
import Foundation
import Glibc

struct UnmountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmount",
        abstract: "Unmount a gatefs view and wait until its daemon has exited.",
        discussion: """
            Also recovers a stale mount whose daemon died ("Transport endpoint is not
            connected"). A busy mount is left alone unless --lazy is given.
            """)

    @Flag(name: .long, help: "Detach the mount even if it is busy; it goes away once no longer used.")
    var lazy = false

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the daemon to exit.", valueName: "SECONDS"))
    var timeout: Double = 30

    @Argument(help: ArgumentHelp("The view's mountpoint.", valueName: "MOUNTPOINT"))
    var mountpoint: String

    func run() throws {
        try reporting { try Unmounter.unmount(mountpoint, lazy: lazy, timeout: timeout) }
    }
}
