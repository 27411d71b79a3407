import Foundation
import GateSystem

/// Starts the daemon in the background: the same executable, in its own
/// session, with `--foreground --ready-fd 3`, and waits until it reports
/// that the mount is live.
enum Spawner {
    /// Starts `gatefs mount --foreground` for these options, with every path
    /// made absolute, and returns once its view is live.
    static func startDaemon(_ view: MountOptions, mountpoint: String) throws {
        try start(arguments: ["mount"] + view.arguments + ["--foreground", mountpoint])
    }

    static func start(arguments: [String], timeout: Double = 60) throws {
        var pipe: ProcessPipe
        do {
            pipe = try ProcessPipe()
        } catch {
            throw CLIFailure("cannot create a pipe: \(error)", code: CLIFailure.failed)
        }
        let exe = Paths.real("/proc/self/exe") ?? CommandLine.arguments[0]
        let daemon: ChildProcess
        do {
            daemon = try ChildProcess.spawn(
                [exe] + arguments + ["--ready-fd", "3"], newSession: true,
                descriptors: [(0, .null), (1, .null), (3, .copy(of: pipe.writeEnd!.descriptor))])
        } catch {
            throw CLIFailure("cannot start the daemon \(exe): \(error)", code: CLIFailure.failed)
        }
        pipe.closeWriteEnd()

        let received: [UInt8]?
        do {
            received = try pipe.readLine(timeout: timeout)
        } catch {
            received = []   // a failed read ends the report, as end of file does
        }
        guard let received else {
            daemon.send(SIGTERM)
            throw CLIFailure("the daemon did not report a live mount within \(Int(timeout)) s", code: CLIFailure.failed)
        }
        let reply = String(decoding: received, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if reply == "ready" { return }
        let status = (try? daemon.wait())?.raw ?? 0
        if reply.hasPrefix("error: ") { throw CLIFailure(String(reply.dropFirst(7)), code: CLIFailure.failed) }
        throw CLIFailure("the daemon exited before the mount was live (status \(status))", code: CLIFailure.failed)
    }
}
