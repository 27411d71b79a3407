import CGateSys
import Glibc
import SystemPackage

/// A process started with posix_spawn, the one way gatefs starts one.
/// Spawning (not fork) keeps the Swift runtime's threads out of the child;
/// every signal is reset to its default and unblocked in it, so it does not
/// inherit a disposition the parent set for itself.
public struct ChildProcess: Sendable {
    /// What one of the child's descriptors is.
    public enum Descriptor: Sendable {
        /// /dev/null (read-only as descriptor 0, else write-only).
        case null
        /// A copy of this process's descriptor, without its close-on-exec flag.
        case copy(of: FileDescriptor)
    }

    /// How a child ended, as `waitpid` reports it.
    public struct Status: Sendable {
        public let raw: Int32
        /// The exit code, or 128+N when signal N ended the child (as shells report it).
        public var code: Int32 { raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f) }
    }

    public let pid: pid_t

    /// Starts `argv`: `argv[0]` is the executable, looked up in PATH when
    /// `searchPath`. `descriptors` are set up in the child; the rest are
    /// inherited unless they close on exec. `newSession` starts it in a
    /// session of its own (POSIX_SPAWN_SETSID, hidden from Swift's Glibc module).
    /// The corresponding C function is `posix_spawn(3)`.
    public static func spawn(
        _ argv: [String], searchPath: Bool = false, newSession: Bool = false,
        descriptors: [(Int32, Descriptor)] = []
    ) throws(Errno) -> ChildProcess {
        var attr = posix_spawnattr_t()
        var rc = gatefs_spawnattr_init_clean(&attr, newSession ? 1 : 0)
        guard rc == 0 else { throw Errno(rawValue: rc) }
        defer { posix_spawnattr_destroy(&attr) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        add(descriptors, to: &actions)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        rc = searchPath
            ? posix_spawnp(&pid, argv[0], &actions, &attr, &cargs, environ)
            : posix_spawn(&pid, argv[0], &actions, &attr, &cargs, environ)
        guard rc == 0 else { throw Errno(rawValue: rc) }
        return ChildProcess(pid: pid)
    }

    private static func add(_ descriptors: [(Int32, Descriptor)], to actions: inout posix_spawn_file_actions_t) {
        // Above every descriptor named here, so a detour never lands on one.
        let spare = descriptors.map { target, d in
            if case .copy(let source) = d { return max(target, source.rawValue) }
            return target
        }.max().map { $0 + 1 } ?? 3
        for (target, descriptor) in descriptors {
            switch descriptor {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .copy(let source) where source.rawValue == target:
                // dup2(fd, fd) would keep FD_CLOEXEC: go through a spare number.
                posix_spawn_file_actions_adddup2(&actions, source.rawValue, spare)
                posix_spawn_file_actions_adddup2(&actions, spare, target)
                posix_spawn_file_actions_addclose(&actions, spare)
            case .copy(let source):
                posix_spawn_file_actions_adddup2(&actions, source.rawValue, target)
            }
        }
    }

    /// Waits until the child has ended. The corresponding C function is `waitpid(2)`.
    public func wait() throws(Errno) -> Status {
        var status: Int32 = 0
        _ = try Syscall.check { waitpid(pid, &status, 0) }
        return Status(raw: status)
    }

    /// Sends `signal` to the child. The corresponding C function is `kill(2)`.
    public func send(_ signal: Int32) {
        _ = kill(pid, signal)   // ESRCH: it has ended already, which is what was wanted
    }
}
