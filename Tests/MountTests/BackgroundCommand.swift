import Foundation
import Glibc
import Synchronization

/// A child process that runs while the test acts on it, with its output in
/// files the test can watch. Its owner must `wait` for it; `stop` kills and
/// reaps it if it is still running (for teardown).
final class BackgroundCommand: Sendable {
    let pid: pid_t
    let argv: [String]
    let stdoutPath: String
    let stderrPath: String
    /// Set once the child is reaped: its pid may then belong to someone else.
    private let ended = Mutex<Termination?>(nil)

    init(_ argv: [String], environment: [String: String], outputDirectory: String) throws {
        let stem = outputDirectory + "/" + UUID().uuidString
        stdoutPath = stem + ".out"
        stderrPath = stem + ".err"
        self.argv = argv
        pid = try ProcessRunner.spawn(argv, environment: environment, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Polls stdout until it contains `text`; false at the deadline or if the
    /// process ended first (it is then left for `wait` to reap).
    func waitForOutput(_ text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stdout.contains(text) { return true }
            // A zombie counts as ended; it is not reaped here, so `wait` still gets its status.
            if !ProcFS.isRunning(pid) { return stdout.contains(text) }
            usleep(20_000)
        }
        return false
    }

    func wait(timeout: Double) -> Termination {
        ended.withLock { end in
            if let end { return end }
            let t = ProcessRunner.wait(pid, timeout: timeout)
            end = t
            return t
        }
    }

    /// Kills and reaps the child unless it was already reaped.
    func stop() {
        ended.withLock { end in
            guard end == nil else { return }
            if let t = ProcessRunner.poll(pid) {
                end = t
                return
            }
            kill(pid, SIGKILL)
            end = ProcessRunner.wait(pid, timeout: 10)
        }
    }

    var report: String {
        "$ \(argv.joined(separator: " "))\nstdout: \(stdout)\nstderr: \(stderr)"
    }
}
