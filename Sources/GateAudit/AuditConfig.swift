import GateVocabulary
import Glibc

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
        path: String = AuditConfig.defaultPath(), reads: ReadLogging = .all,
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

    /// `$XDG_STATE_HOME/gatefs/access.jsonl`, else `~/.local/state/gatefs/access.jsonl`.
    ///
    /// A relative `XDG_STATE_HOME` is ignored, as the XDG spec requires. `HOME`
    /// falls back to the password database so the daemon works under sudo -E less
    /// environments too.
    public static func defaultPath(environment: [String: String]? = nil) -> String {
        func lookup(_ name: String) -> String? {
            if let environment { return environment[name] }
            return getenv(name).map { String(cString: $0) }
        }
        if let state = lookup("XDG_STATE_HOME"), state.hasPrefix("/") {
            return state + "/gatefs/access.jsonl"
        }
        var home = lookup("HOME") ?? ""
        if home.isEmpty, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            home = String(cString: dir)
        }
        return home + "/.local/state/gatefs/access.jsonl"
    }
}
