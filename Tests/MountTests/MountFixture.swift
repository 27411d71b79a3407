import Foundation
import Glibc
import Synchronization

/// One test's private world: a temp directory holding the source tree, the
/// mountpoint, the audit log, an empty XDG config home and the runtime
/// directory, plus the environment every gatefs subprocess gets.
///
/// It remembers the exact mountpoints it mounted and the pids it started,
/// and `tearDown` unmounts and stops only those, then deletes the temp
/// directory once /proc/self/mountinfo shows nothing mounted beneath it.
final class MountFixture: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Canonical (realpath) temp directory; every other path lies inside it.
    let directory: String
    let source: String
    let mountpoint: String
    let log: String
    /// An empty directory, passed as XDG_CONFIG_HOME.
    let configHome: String
    let binary: String
    let environment: [String: String]
    let tree: TreeBuilder

    private let mountpoints = Mutex<[String]>([])
    private let children = Mutex<[pid_t]>([])
    private let outputDirectory: String

    init() throws {
        binary = try GatefsBinary.path()
        var template = Array("/tmp/gatefs-mount-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template), let real = realpath(made, nil) else {
            throw Failure(description: "mkdtemp: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: real)
        free(real)
        source = directory + "/source"
        mountpoint = directory + "/view"
        log = directory + "/state/access.jsonl"
        configHome = directory + "/xdg-config"
        outputDirectory = directory + "/output"
        tree = TreeBuilder(root: source)
        for dir in [source, mountpoint, directory + "/state", configHome, outputDirectory,
                    directory + "/home", directory + "/xdg-state", directory + "/run"] {
            guard mkdir(dir, 0o755) == 0 else {
                throw Failure(description: "mkdir \(dir): \(String(cString: strerror(errno)))")
            }
        }
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("XDG_") || key.hasPrefix("GATEFS_") {
            env[key] = nil
        }
        // Nothing a test starts may read or write the real home, config or state.
        env["HOME"] = directory + "/home"
        env["XDG_CONFIG_HOME"] = configHome
        env["XDG_STATE_HOME"] = directory + "/xdg-state"
        env["XDG_RUNTIME_DIR"] = directory + "/run"
        env["GATEFS_RUNTIME_DIR"] = directory + "/run"
        env["PATH"] = env["PATH"] ?? "/usr/bin:/bin"
        environment = env
    }

    // MARK: - Running gatefs

    /// Runs `gatefs ARGS...` and returns how it ended.
    func gatefs(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 60) throws -> ProcessResult {
        try run([binary] + arguments, environment: extra, timeout: timeout)
    }

    /// Runs any program (absolute path first) in the fixture's environment.
    func run(_ argv: [String], environment extra: [String: String] = [:], timeout: Double = 60) throws -> ProcessResult {
        try ProcessRunner.run(
            argv, environment: environment.merging(extra) { $1 }, outputDirectory: outputDirectory, timeout: timeout)
    }

    /// `gatefs mount --source SOURCE --log LOG ARGS... MOUNTPOINT`. The
    /// mountpoint is registered for teardown before the command runs.
    func mount(
        _ arguments: [String], at mountpoint: String? = nil, source: String? = nil, log: String? = nil,
        environment extra: [String: String] = [:]
    ) throws -> ProcessResult {
        let mp = mountpoint ?? self.mountpoint
        register(mountpoint: mp)
        return try gatefs(
            ["mount", "--source", source ?? self.source, "--log", log ?? self.log] + arguments + [mp],
            environment: extra)
    }

    /// Like `mount`, but any failure (or a view not yet in the mount table
    /// when the command returns) throws.
    @discardableResult
    func mountLive(
        _ arguments: [String], at mountpoint: String? = nil, source: String? = nil, log: String? = nil
    ) throws -> ProcessResult {
        let mp = mountpoint ?? self.mountpoint
        let result = try mount(arguments, at: mp, source: source, log: log)
        guard result.exitCode == 0 else { throw Failure(description: "mount failed:\n\(result)") }
        guard KernelMounts.mount(at: mp)?.fsType == "fuse.gatefs" else {
            throw Failure(description: "gatefs mount returned 0 but \(mp) is not a fuse.gatefs mount yet:\n\(result)")
        }
        return result
    }

    /// Mounts via an arbitrary command line (no defaults added), registering
    /// `mountpoint` for teardown first.
    func register(mountpoint: String) {
        mountpoints.withLock { if !$0.contains(mountpoint) { $0.append(mountpoint) } }
    }

    func unmount(_ mountpoint: String? = nil, lazy: Bool = false, timeout: Double = 60) throws -> ProcessResult {
        try gatefs(["unmount"] + (lazy ? ["--lazy"] : []) + [mountpoint ?? self.mountpoint], timeout: timeout)
    }

    /// `gatefs status --json`, decoded.
    func status() throws -> [StatusEntry] {
        let result = try gatefs(["status", "--json"])
        guard result.exitCode == 0 else { throw Failure(description: "status --json failed:\n\(result)") }
        do {
            return try JSONDecoder().decode([StatusEntry].self, from: Data(result.stdout.utf8))
        } catch {
            throw Failure(description: "status --json printed something that is not the documented JSON (\(error)):\n\(result)")
        }
    }

    func statusEntry(for mountpoint: String? = nil) throws -> StatusEntry? {
        let mp = mountpoint ?? self.mountpoint
        return try status().first { $0.mountpoint == mp }
    }

    /// The daemon serving `mountpoint`, from `status --json`, checked
    /// against /proc to be a gatefs process for this exact mountpoint.
    func daemonPID(for mountpoint: String? = nil) throws -> Int32 {
        let mp = mountpoint ?? self.mountpoint
        guard let entry = try statusEntry(for: mp), let pid = entry.pid else {
            throw Failure(description: "status --json has no pid for \(mp): \(try status())")
        }
        let argv = ProcFS.commandLine(pid)
        guard argv.first?.hasSuffix("gatefs") == true, argv.contains(mp) else {
            throw Failure(description: "pid \(pid) from status is not the gatefs daemon for \(mp): \(argv)")
        }
        return pid
    }

    // MARK: - Children and listings

    /// Starts a helper process this test owns; teardown kills it if it is still running.
    func spawn(_ argv: [String]) throws -> pid_t {
        let stem = outputDirectory + "/" + UUID().uuidString
        let pid = try ProcessRunner.spawn(
            argv, environment: environment, stdoutPath: stem + ".out", stderrPath: stem + ".err")
        children.withLock { $0.append(pid) }
        return pid
    }

    /// Waits for a helper started with `spawn` (and forgets it).
    func wait(_ pid: pid_t, timeout: Double) -> Termination {
        let t = ProcessRunner.wait(pid, timeout: timeout)
        children.withLock { $0.removeAll { $0 == pid } }
        return t
    }

    /// A helper's termination if it has ended (reaping and forgetting it), else nil.
    func poll(_ pid: pid_t) -> Termination? {
        guard let t = ProcessRunner.poll(pid) else { return nil }
        children.withLock { $0.removeAll { $0 == pid } }
        return t
    }

    /// `find DIR`, as paths relative to DIR (DIR itself left out), sorted.
    /// find must succeed without a word on stderr.
    func find(_ directory: String, timeout: Double = 120) throws -> [String] {
        let result = try run(["/usr/bin/find", directory], timeout: timeout)
        guard result.exitCode == 0, result.stderr.isEmpty else { throw Failure(description: "find failed:\n\(result)") }
        let prefix = directory + "/"
        return result.stdout.split(separator: "\n").compactMap { line -> String? in
            line == directory ? nil : line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : String(line)
        }.sorted()
    }

    // MARK: - Teardown

    /// Stops what this test started and removes its temp directory. Returns
    /// the problems found, which the test reports as failures.
    func tearDown() -> [String] {
        var problems: [String] = []
        for pid in children.withLock({ $0 }) {
            kill(pid, SIGKILL)
            _ = ProcessRunner.wait(pid, timeout: 10)
        }
        for mp in mountpoints.withLock({ $0 }).reversed() where KernelMounts.isMounted(mp) {
            let pid = (try? statusEntry(for: mp))?.pid
            let result = try? unmount(mp, timeout: 40)
            if KernelMounts.isMounted(mp) {
                problems.append("teardown: gatefs unmount \(mp) left it mounted: \(result.map(String.init(describing:)) ?? "did not run")")
                _ = try? run(["/usr/bin/fusermount3", "-u", "-z", mp], timeout: 20)
            }
            // Our daemon must be gone now; if not, stop it by its exact pid.
            if let pid, ProcFS.commandLine(pid).contains(mp), !ProcFS.waitUntilGone(pid, timeout: 10) {
                problems.append("teardown: the daemon for \(mp) (pid \(pid)) outlived its mount; killed it")
                kill(pid, SIGKILL)
            }
        }
        let leftover = KernelMounts.mounts(under: directory)
        guard leftover.isEmpty else {
            problems.append("teardown: still mounted, so \(directory) was not removed: \(leftover.map(\.mountpoint))")
            return problems
        }
        // --one-file-system: never descend into a mount, even one that raced in.
        let rm = try? ProcessRunner.run(
            ["/bin/rm", "-rf", "--one-file-system", directory], environment: environment,
            outputDirectory: "/tmp", timeout: 120)
        if rm?.exitCode != 0 { problems.append("teardown: rm -rf \(directory): \(rm.map(String.init(describing:)) ?? "did not run")") }
        return problems
    }
}

/// One element of `gatefs status --json`.
struct StatusEntry: Decodable, Sendable, Equatable {
    let mountpoint: String
    let state: String
    let source: String?
    let pid: Int32?
    let log: String?
    let rules: Int?
    /// The patterns that grant write; empty for a read-only view.
    let write: [String]?
    let allowOther: Bool?
}
