/// How a path appears in the mounted view.
public enum Visibility: Sendable, Hashable {
    /// Shown with its content; everything beneath is visible unless a
    /// hidden path, deny or secret rule hides it.
    case visible
    /// A directory shown only so allowed content below it can be reached;
    /// it lists only children that are themselves visible or ancestors.
    case ancestor
    /// Absent: lookups fail with ENOENT and listings omit it.
    case hidden
}
