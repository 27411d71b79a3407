/// Which inode numbers (`st_ino`, `d_ino`) the view reports. GateConfig
/// cannot import Gate; the CLI maps this onto `InodeNumbering` (module Gate).
public enum InodeNumbers: String, Sendable, CaseIterable {
    /// The source files' own numbers (only visible files' are ever shown),
    /// so git's index and similar caches match files seen through the view.
    case source
    /// gatefs's own node ids, given out in lookup order: they say nothing
    /// about the source, but git re-reads every tracked file on `status`.
    case `private`
}
