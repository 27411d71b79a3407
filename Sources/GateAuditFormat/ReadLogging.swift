/// How much of the read traffic the audit log records.
public enum ReadLogging: String, Sendable, CaseIterable {
    /// One `read` line per read request that reaches the daemon.
    case all
    /// No `read` lines; the `close` line of each handle carries the count and total.
    case summary
}
