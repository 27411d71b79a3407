import Foundation
import Glibc

/// How a child process ended.
enum Termination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)
    /// Still running at the deadline; the runner killed it (SIGKILL) and reaped it.
    case timedOut

    init(waitStatus status: Int32) {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot see.
        if status & 0x7f == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signalled(status & 0x7f)
        }
    }

    var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "killed by signal \(signal)"
        case .timedOut: "timed out (killed)"
        }
    }
}

/// A finished command: how it ended and what it printed.
struct ProcessResult: Sendable, CustomStringConvertible {
    let command: [String]
    let termination: Termination
    let stdout: String
    let stderr: String
    let seconds: Double

    var exitCode: Int32? {
        if case .exited(let code) = termination { return code }
        return nil
    }

    var description: String {
        """
        $ \(command.joined(separator: " "))
        -> \(termination) after \(String(format: "%.2f", seconds)) s
        stdout: \(stdout.isEmpty ? "(empty)" : stdout)
        stderr: \(stderr.isEmpty ? "(empty)" : stderr)
        """
    }
}

/// Starts child processes with posix_spawn: stdin from /dev/null, stdout and
/// stderr into files (never pipes, so a daemon that inherits them cannot
/// keep a reader waiting for EOF), every signal at its default and none
/// blocked, and exactly the environment given.
enum ProcessRunner {
    struct SpawnFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `argv[0]` (an absolute path) and returns its pid. The caller
    /// owns the child and must `wait` for it.
    static func spawn(
        _ argv: [String], environment: [String: String], stdoutPath: String, stderrPath: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, cArgs, cEnv)
        guard rc == 0 else {
            throw SpawnFailure(description: "posix_spawn \(argv[0]): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// Waits for a child of ours. At the deadline it is killed and reaped,
    /// so no test leaves a runaway process behind.
    static func wait(_ pid: pid_t, timeout: Double) -> Termination {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { return Termination(waitStatus: status) }
            if r < 0 && errno != EINTR { return .exited(-1) }
            if Date() > deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            usleep(2_000)
        }
    }

    /// Non-blocking: the child's termination if it has ended (and reaps it).
    static func poll(_ pid: pid_t) -> Termination? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        return r == pid ? Termination(waitStatus: status) : nil
    }

    /// Runs a command to completion and collects its output.
    static func run(
        _ argv: [String], environment: [String: String], outputDirectory: String, timeout: Double = 60
    ) throws -> ProcessResult {
        let stem = outputDirectory + "/" + UUID().uuidString
        let (outPath, errPath) = (stem + ".out", stem + ".err")
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let start = Date()
        let pid = try spawn(argv, environment: environment, stdoutPath: outPath, stderrPath: errPath)
        let termination = wait(pid, timeout: timeout)
        return ProcessResult(
            command: argv, termination: termination,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            seconds: Date().timeIntervalSince(start))
    }
}
