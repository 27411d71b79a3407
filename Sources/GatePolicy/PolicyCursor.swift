/// The state of matching at one shown directory; opaque to callers.
///
/// Keep one per directory inode and pass it to `Policy.step` for each child.
/// It is small (24 bytes): four integers and a short array of automaton nodes, which
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
    /// reach an excepted path), -1 for none, or `exceptCoveredMark`: once an
    /// except pattern covers a directory no secret rule decides anything
    /// beneath it, so the two share one field.
    private var secretState: Int32
    /// The allow rule covering this directory, or -1.
    var allowRule: Int32
    /// The write grant covering this directory, or -1.
    var writeRule: Int32

    private static let exceptCoveredMark: Int32 = -2

    init(
        nodes: [Int32], hideRule: Int32, secretRule: Int32, allowRule: Int32, writeRule: Int32, exceptCovered: Bool
    ) {
        self.nodes = nodes
        self.hideRule = hideRule
        self.secretState = exceptCovered ? Self.exceptCoveredMark : max(-1, secretRule)
        self.allowRule = allowRule
        self.writeRule = writeRule
    }

    /// The secret rule covering this directory, or -1 (also when an except covers it).
    var secretRule: Int32 { max(-1, secretState) }
    /// An except pattern covers this directory: secrets no longer apply.
    var exceptCovered: Bool { secretState == Self.exceptCoveredMark }
}
