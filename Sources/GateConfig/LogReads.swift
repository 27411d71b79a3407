/// How much the audit log says about reads.
public enum LogReads: String, Sendable, CaseIterable {
    /// Every read call is a line.
    case all
    /// One line per open file, with totals, when it is closed.
    case summary
}
