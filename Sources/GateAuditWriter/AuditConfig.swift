import GateAuditFormat
import GateVocabulary

/// Where and how the audit log is written.
public struct AuditConfig: Sendable {
    /// The current log file; rotated files are `path.1` (newest) … `path.keep`.
    public var path: String
    public var reads: ReadLogging
    /// Rotate once the current file would grow past this many bytes.
    public var rotateBytes: Int
    /// How many rotated files to keep besides the current one.
    public var keep: Int
    /// How many events may wait for the writer before `record` blocks.
    public var queueCapacity: Int
    /// How long repeats of an identical denial are counted into one line
    /// after the first is written (see `AuditRepeats`).
    public var repeatWindowMicroseconds: Int64
    /// At most this many distinct denials are being counted at once.
    public var repeatCapacity: Int

    public static let defaultRotateBytes = 64 << 20
    public static let defaultKeep = 5
    public static let defaultQueueCapacity = 16_384
    public static let defaultRepeatWindowMicroseconds: Int64 = 10_000_000
    public static let defaultRepeatCapacity = 1024

    public init(
        path: String, reads: ReadLogging = .all,
        rotateBytes: Int = AuditConfig.defaultRotateBytes, keep: Int = AuditConfig.defaultKeep,
        queueCapacity: Int = AuditConfig.defaultQueueCapacity,
        repeatWindowMicroseconds: Int64 = AuditConfig.defaultRepeatWindowMicroseconds,
        repeatCapacity: Int = AuditConfig.defaultRepeatCapacity
    ) {
        self.path = path
        self.reads = reads
        self.rotateBytes = rotateBytes
        self.keep = keep
        self.queueCapacity = queueCapacity
        self.repeatWindowMicroseconds = repeatWindowMicroseconds
        self.repeatCapacity = repeatCapacity
    }
}
