import Foundation
import GateSystem
import Glibc

/// Starts the daemon in the background: the same executable, in its own
/// session, with `--foreground --ready-fd 3`, and waits until it reports
/// that the mount is live. Spawning (not fork) keeps the Swift runtime's
/// threads out of the child.
enum Spawner {
    /// Starts `gatefs mount --foreground` for these options, with every path
    /// made absolute, and returns once its view is live.
    static func startDaemon(_ view: MountOptions, mountpoint: String) throws {
        try start(arguments: ["mount"] + view.arguments + ["--foreground", mountpoint])
    }

    static func start(arguments: [String], timeout: Double = 60) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CLIFailure("cannot create a pipe: \(String(cString: strerror(errno)))", code: 1) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        // Both ends close on exec; dup2 onto fd 3 clears the flag on the copy
        // the daemon keeps. (Closing by number in the child could close fd 3
        // itself when the pipe happened to get it.)
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        let exe = Paths.real("/proc/self/exe") ?? CommandLine.arguments[0]
        let argv = [exe] + arguments + ["--ready-fd", "3"]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        if writeEnd == 3 {
            // dup2(3, 3) would keep FD_CLOEXEC: move it out of the way first.
            posix_spawn_file_actions_adddup2(&actions, writeEnd, 9)
            posix_spawn_file_actions_adddup2(&actions, 9, 3)
        } else {
            posix_spawn_file_actions_adddup2(&actions, writeEnd, 3)
        }
        var pid: pid_t = 0
        let rc = ProcessSpawn.spawn(&pid, exe, &actions, argv, newSession: true)
        close(writeEnd)
        guard rc == 0 else { throw CLIFailure("cannot start the daemon \(exe): \(String(cString: strerror(rc)))", code: 1) }

        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 512)
        var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            if left == 0 {
                kill(pid, SIGTERM)
                throw CLIFailure("the daemon did not report a live mount within \(Int(timeout)) s", code: 1)
            }
            let p = poll(&pfd, 1, left)
            if p < 0 && errno == EINTR { continue }
            let n = read(readEnd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
            if received.last == UInt8(ascii: "\n") { break }
        }
        let reply = String(decoding: received, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if reply == "ready" { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        if reply.hasPrefix("error: ") { throw CLIFailure(String(reply.dropFirst(7)), code: 1) }
        throw CLIFailure("the daemon exited before the mount was live (status \(status))", code: 1)
    }
}
