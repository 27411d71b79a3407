/// The state of matching at one shown directory; opaque to callers.
///
/// Keep one per directory inode and pass it to `Policy.step` for each child.
/// It is small: five integers and a short array of automaton nodes, which
/// is shared (not copied) with the parent whenever the live set is unchanged,
/// as it is almost everywhere below an allowed directory.
public struct PolicyCursor: Sendable {
    /// Live automaton nodes, closed under `**`, with nodes whose rules can no
    /// longer change a decision pruned away.
    var nodes: [Int32]
    /// A hidden-path rule, or failing that a deny rule, covering this
    /// directory. Only ever set on the root cursor (the root is shown
    /// regardless); any other covered directory is hidden and gets no cursor.
    var hideRule: Int32
    /// The secret rule covering this directory (an ancestor shown only to
    /// reach an excepted path), or -1.
    var secretRule: Int32
    /// The allow rule covering this directory, or -1.
    var allowRule: Int32
    /// The write grant covering this directory, or -1.
    var writeRule: Int32
    /// An except pattern covers this directory: secrets no longer apply.
    var exceptCovered: Bool
}
