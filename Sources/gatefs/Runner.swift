import Dispatch
import Foundation
import GateAuditReader
import GateSystem
import Glibc

/// `gatefs run`: a view that lives exactly as long as one command.
enum Runner {
    static func run(_ command: [String], view: MountOptions) throws -> Int32 {
        var template = Array("/tmp/gatefs-run-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CLIFailure("cannot create a temporary mountpoint: \(String(cString: strerror(errno)))", code: CLIFailure.failed)
        }
        let mountpoint = String(cString: made)
        defer { rmdir(mountpoint) }
        let plan = try MountPlan.make(view, mountpoint: mountpoint, foreground: false)
        try Spawner.startDaemon(view, mountpoint: plan.mountpoint)

        let status = runChild(command.map { $0.replacingOccurrences(of: "{view}", with: mountpoint) }, view: mountpoint)

        do {
            try Unmounter.unmount(mountpoint, lazy: false, timeout: 5)
        } catch {
            // Something the command left behind still uses the view (a busy
            // cwd, or a container that outlived its client and holds its own
            // copy of the mount): detach ours and carry on. The daemon exits
            // once the last user lets go.
            StandardError.report("\(error)")
            try? Unmounter.unmount(mountpoint, lazy: true, timeout: 5)
        }
        if let summary = try? AuditSummary.loadSession(path: plan.logPath, mountpoint: mountpoint) {
            StandardError.write("\n── gatefs session summary (\(plan.logPath)) ──\n\(summary.render())\n")
        }
        return status
    }

    /// Runs the command with GATEFS_VIEW set, passing SIGINT and SIGTERM on,
    /// and returns its exit status (128+N for a signal N).
    private static func runChild(_ argv: [String], view: String) -> Int32 {
        setenv("GATEFS_VIEW", view, 1)
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(argv, searchPath: true)
        } catch {
            StandardError.report("cannot run \(argv[0]): \(error)")
            return 127
        }
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { child.send(sig) }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        // Our own child, reaped by nobody else: waitpid does not fail here.
        return (try? child.wait())?.code ?? 0
    }
}
