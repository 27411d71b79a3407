/// What `/proc` says about a caller: its command name, thread group and
/// container, if any. The writer reads it (`CallerProcess.read(pid:)`).
public struct CallerProcess: Sendable, Equatable {
    /// `/proc/PID/comm` without its newline (at most 15 bytes, so a small,
    /// heap-free `String`). Bytes that are not UTF-8 become U+FFFD.
    public internal(set) var name: String?
    /// The container id named by `/proc/PID/cgroup`, or nil.
    public internal(set) var container: String?
    /// The thread group (the process id proper) from `/proc/PID/status`'s
    /// `Tgid:` line. FUSE reports the calling *thread's* id as the pid; all
    /// threads of one process share this. Nil when unreadable.
    public var tgid: Int32?

    public init(name: String? = nil, container: String? = nil, tgid: Int32? = nil) {
        self.name = name
        self.container = container
        self.tgid = tgid
    }

    /// Nothing known: the kernel (pid 0), or a process already gone.
    package static let unknown = CallerProcess(name: nil, container: nil)
}
