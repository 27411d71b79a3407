/// How much of the read traffic the audit log records: the config's
/// `[log] reads`, and what the audit writer does.
public enum ReadLogging: String, Sendable, CaseIterable {
    /// One `read` line per read request that reaches the daemon.
    case all
    /// No `read` lines; the `close` line of each handle carries the count and total.
    case summary
}
