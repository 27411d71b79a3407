import CGateSys
import Glibc

/// posix_spawn with every signal reset to its default and unblocked in the
/// child, optionally in a new session (POSIX_SPAWN_SETSID, hidden from
/// Swift's Glibc module).
public enum ProcessSpawn {
    public static func spawn(
        _ pid: inout pid_t, _ path: String, _ actions: inout posix_spawn_file_actions_t,
        _ argv: [String], newSession: Bool, searchPath: Bool = false
    ) -> Int32 {
        var attr = posix_spawnattr_t()
        let rc = gatefs_spawnattr_init_clean(&attr, newSession ? 1 : 0)
        guard rc == 0 else { return rc }
        defer { posix_spawnattr_destroy(&attr) }
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        if searchPath { return posix_spawnp(&pid, path, &actions, &attr, &cargs, environ) }
        return posix_spawn(&pid, path, &actions, &attr, &cargs, environ)
    }
}
