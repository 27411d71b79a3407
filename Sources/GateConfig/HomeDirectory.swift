/// `~` expansion for paths in the config and on the command line.
public enum HomeDirectory {
    /// `~` → `home`, `~/x` → `home/x`; anything else is returned as is. Nil
    /// for `~user`, which is rejected rather than taken as a literal
    /// directory named "~user" and silently exposing or logging elsewhere.
    public static func expand(_ path: String, home: String) -> String? {
        guard path.hasPrefix("~") else { return path }
        guard path == "~" || path.hasPrefix("~/") else { return nil }
        var base = home
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        if path == "~" { return base }
        return base == "/" ? String(path.dropFirst()) : base + path.dropFirst()
    }
}
