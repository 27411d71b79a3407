import Foundation
import Glibc

/// Path helpers for the CLI (never used on the FUSE hot path).
enum Paths {
    static var home: String {
        if let h = ProcessInfo.processInfo.environment["HOME"], !h.isEmpty { return h }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    static func expandTilde(_ path: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
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

    static var xdgConfigHome: String {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x }
        return home + "/.config"
    }

    static var xdgStateHome: String {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_STATE_HOME"], x.hasPrefix("/") { return x }
        return home + "/.local/state"
    }

    static var defaultConfigFile: String { xdgConfigHome + "/gatefs/config.toml" }
    static var defaultLogFile: String { xdgStateHome + "/gatefs/access.jsonl" }
}
