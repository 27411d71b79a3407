/// The inode numbers (`st_ino`, `d_ino`) the view reports: the config's
/// `inode_numbers`, the `--inode-numbers` flag, and what the gate does.
public enum InodeNumbering: String, Sendable, CaseIterable {
    /// The source file's own: tools that compare them with numbers recorded
    /// outside the view (git's index, rsync, backup catalogues) see the same
    /// files. Only visible files' numbers are ever shown.
    case source
    /// gatefs's node ids, given out in lookup order: they say nothing about
    /// the source, but git re-reads every tracked file on each `status`.
    case `private`
}
