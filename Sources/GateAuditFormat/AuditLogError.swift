import SystemPackage

/// A failure to open or prepare the audit log, naming the path involved.
public struct AuditLogError: Error, Sendable, CustomStringConvertible {
    /// What was being attempted, e.g. "open", "create directory", "lock".
    public var operation: String
    public var path: String
    /// The errno, or 0 when the failure is not a syscall's (see `detail`).
    public var errno: Int32
    public var detail: String?

    public init(operation: String, path: String, errno: Int32, detail: String? = nil) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var text = "audit log: cannot \(operation) \(path)"
        if errno != 0 { text += ": \(Errno(rawValue: errno).description) (\(errnoName(errno)))" }
        if let detail { text += ": \(detail)" }
        return text
    }
}
