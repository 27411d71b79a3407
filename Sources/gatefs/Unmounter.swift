import Foundation
import GateSystem
import Glibc

/// Unmounts gatefs views, and only gatefs views.
enum Unmounter {
    static func unmount(_ rawPath: String, lazy: Bool, timeout: Double) throws {
        // realpath would fail on a stale mount (ENOTCONN): resolve the parent only.
        let mountpoint = Paths.realParent(rawPath)
        guard MountTable.gatefsMounts().contains(where: { $0.mountpoint == mountpoint }) else {
            if MountTable.current().contains(where: { $0.mountpoint == mountpoint }) {
                throw CLIFailure("\(mountpoint) is not a gatefs mount; leaving it alone", code: CLIFailure.failed)
            }
            throw CLIFailure("\(mountpoint) is not mounted", code: CLIFailure.failed)
        }
        let state = RuntimeState.load(for: mountpoint)
        try detach(mountpoint, lazy: lazy)
        if lazy, let state, state.daemonAlive {
            // A lazily detached view lives on for the processes still using
            // it; its daemon exits when the last of them lets go.
            StandardError.report(
                "detached \(mountpoint); its daemon (pid \(state.pid)) exits once the last process using it is done")
            return
        }
        if let state, state.daemonAlive {
            let deadline = Date().addingTimeInterval(timeout)
            while state.daemonAlive {
                if Date() > deadline {
                    throw CLIFailure("unmounted \(mountpoint), but its daemon (pid \(state.pid)) has not exited after \(Int(timeout)) s", code: CLIFailure.failed)
                }
                usleep(20_000)
            }
        } else {
            // The daemon died without cleaning up (kill -9): tidy its state file.
            RuntimeState.remove(for: mountpoint)
        }
    }

    private static func detach(_ mountpoint: String, lazy: Bool) throws {
        if getuid() == 0 {
            if umount2(mountpoint, lazy ? Int32(MNT_DETACH) : 0) == 0 { return }
            let code = errno
            if code == EBUSY {
                throw busy(mountpoint)
            }
            throw CLIFailure("cannot unmount \(mountpoint): \(String(cString: strerror(code)))", code: CLIFailure.failed)
        }
        // Unprivileged: fusermount3 is setuid and checks that we own the mount.
        let (status, message) = try fusermount(lazy ? ["-u", "-z", mountpoint] : ["-u", mountpoint])
        if status.raw != 0 {
            if message.contains("busy") {
                throw busy(mountpoint)
            }
            throw CLIFailure("cannot unmount \(mountpoint): \(message.trimmingCharacters(in: .whitespacesAndNewlines))", code: CLIFailure.failed)
        }
    }

    private static func busy(_ mountpoint: String) -> CLIFailure {
        CLIFailure("\(mountpoint) is busy (a process has a file open or its working directory there); close it or use --lazy", code: CLIFailure.failed)
    }

    /// Runs fusermount3 and returns how it ended and what it said on stderr.
    private static func fusermount(_ arguments: [String]) throws -> (ChildProcess.Status, String) {
        let tool = "/usr/bin/fusermount3"
        do {
            var pipe = try ProcessPipe()
            let child = try ChildProcess.spawn([tool] + arguments, descriptors: [(2, .copy(of: pipe.writeEnd!.descriptor))])
            pipe.closeWriteEnd()
            let message = String(decoding: try pipe.readAll(), as: UTF8.self)
            return (try child.wait(), message)
        } catch {
            throw CLIFailure("cannot run \(tool): \(error)", code: CLIFailure.failed)
        }
    }
}
