import Foundation
import GateConfig
import GateSystem
import Glibc

/// Path helpers for the CLI (never used on the FUSE hot path), and the
/// default places of gatefs's files, all from `UserDirectories`.
enum Paths {
    static var home: String { UserDirectories.home }

    /// `~` and `~/x` expanded; `~user` is left as written.
    static func expandTilde(_ path: String) -> String {
        HomeDirectory.expand(path, home: home) ?? path
    }

    static func absolute(_ path: String) -> String {
        let p = expandTilde(path)
        if p.hasPrefix("/") { return normalize(p) }
        return normalize(FileManager.default.currentDirectoryPath + "/" + p)
    }

    /// Collapses "//", "." and ".." lexically (for paths that may not resolve,
    /// such as a stale mountpoint that answers ENOTCONN).
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = out.popLast(); continue }
            out.append(part)
        }
        return "/" + out.joined(separator: "/")
    }

    /// realpath(3); nil if the path does not resolve.
    static func real(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// The canonical form of a path of which only a leading part may exist
    /// yet (a log file in a directory still to be created, a stale
    /// mountpoint that answers ENOTCONN): the deepest existing ancestor is
    /// resolved with realpath, so every symlink on the way is followed, and
    /// the rest is appended as written ("." and ".." were already collapsed).
    static func realParent(_ path: String) -> String {
        let parts = absolute(path).split(separator: "/").map(String.init)
        var existing = parts.count - 1   // never resolve the last name itself
        while existing > 0 {
            if let r = real("/" + parts[0..<existing].joined(separator: "/")) {
                let rest = parts[existing...].joined(separator: "/")
                return r == "/" ? "/" + rest : r + "/" + rest
            }
            existing -= 1
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `inner` relative to `outer` when `inner` lies inside it ("" if equal), else nil.
    static func relative(_ inner: String, to outer: String) -> String? {
        if inner == outer { return "" }
        let prefix = outer == "/" ? "/" : outer + "/"
        return inner.hasPrefix(prefix) ? String(inner.dropFirst(prefix.count)) : nil
    }

    static var defaultConfigFile: String { UserDirectories.configHome + "/gatefs/config.toml" }
    static var defaultLogFile: String { UserDirectories.stateHome + "/gatefs/access.jsonl" }

    /// Where daemons keep their state files: $GATEFS_RUNTIME_DIR, else
    /// /run/gatefs for root, else $XDG_RUNTIME_DIR/gatefs, else /tmp/gatefs-UID.
    static var runtimeDirectory: String {
        if let d = UserDirectories.absolute("GATEFS_RUNTIME_DIR") { return d }
        if getuid() == 0 { return "/run/gatefs" }
        if let x = UserDirectories.runtimeHome { return x + "/gatefs" }
        return "/tmp/gatefs-\(getuid())"
    }
}
