import Glibc

/// The user's home and XDG base directories, resolved in one place. As the
/// XDG Base Directory spec requires, a relative `XDG_*` value is ignored.
public enum UserDirectories {
    /// `$HOME`, else the password database's entry (environments without
    /// HOME, such as `sudo` without -E), else "/".
    public static var home: String {
        if let h = variable("HOME"), !h.isEmpty { return h }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    public static var configHome: String { absolute("XDG_CONFIG_HOME") ?? home + "/.config" }

    /// `$XDG_STATE_HOME`, else `~/.local/state`.
    public static var stateHome: String { absolute("XDG_STATE_HOME") ?? home + "/.local/state" }

    /// `$XDG_RUNTIME_DIR`; the spec gives it no default.
    public static var runtimeHome: String? { absolute("XDG_RUNTIME_DIR") }

    /// An environment variable that holds an absolute path.
    public static func absolute(_ name: String) -> String? {
        guard let value = variable(name), value.hasPrefix("/") else { return nil }
        return value
    }

    private static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
