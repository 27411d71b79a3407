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
        let plan = try MountPlan.make(view, mountpoint: mountpoint)
        try Spawner.startDaemon(view, mountpoint: plan.mountpoint)

        let status = runChild(command.map { $0.replacingOccurrences(of: "{view}", with: mountpoint) }, view: mountpoint)

        do {
            try Unmounter.unmount(mountpoint, lazy: false, timeout: 5)
        } catch {
            // Something the command left behind still uses the view (a busy
            // cwd, or a container that outlived its client and holds its own
            // copy of the mount): detach ours and carry on. The daemon exits
            // once the last user lets go.
            FileHandle.standardError.write(Data("gatefs: \(error)\n".utf8))
            try? Unmounter.unmount(mountpoint, lazy: true, timeout: 5)
        }
        if let summary = try? AuditSummary.loadSession(path: plan.logPath, mountpoint: mountpoint) {
            FileHandle.standardError.write(Data("\n── gatefs session summary (\(plan.logPath)) ──\n\(summary.render())\n".utf8))
        }
        return status
    }

    /// Runs the command with GATEFS_VIEW set, passing SIGINT and SIGTERM on,
    /// and returns its exit status (128+N for a signal N).
    private static func runChild(_ argv: [String], view: String) -> Int32 {
        setenv("GATEFS_VIEW", view, 1)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pid: pid_t = 0
        let rc = ProcessSpawn.spawn(&pid, argv[0], &actions, argv, newSession: false, searchPath: true)
        guard rc == 0 else {
            FileHandle.standardError.write(Data("gatefs: cannot run \(argv[0]): \(String(cString: strerror(rc)))\n".utf8))
            return 127
        }
        let child = pid
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { kill(child, sig) }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }
}
