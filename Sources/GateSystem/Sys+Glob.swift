import Glibc

extension Sys {
    /// Whether `text` matches the shell glob `pattern`, `*` crossing `/`
    /// (no `FNM_PATHNAME`). The corresponding C function is `fnmatch(3)`.
    public static func globMatches(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}
