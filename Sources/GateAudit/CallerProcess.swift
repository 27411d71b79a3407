import Glibc

/// What `/proc` says about a caller: its command name, thread group and
/// container, if any.
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

    static let unknown = CallerProcess(name: nil, container: nil)

    /// Reads `/proc/PID/{comm,cgroup,status}`. Best effort: a process that
    /// has already exited, or a `/proc` mounted with `hidepid`, gives `.unknown`.
    static func read(pid: Int32, procRoot: String = "/proc") -> CallerProcess {
        guard pid > 0 else { return .unknown }
        let base = procRoot + "/" + String(pid)
        var name: String?
        if var comm = readSmallFile(base + "/comm", limit: 64), !comm.isEmpty {
            if comm.last == 0x0A { comm.removeLast() }
            name = String(decoding: comm, as: UTF8.self)
        }
        let container = readSmallFile(base + "/cgroup", limit: 16 << 10).flatMap(ContainerID.parse(cgroup:))
        let tgid = readSmallFile(base + "/status", limit: 4096).flatMap(parseTgid(status:))
        return CallerProcess(name: name, container: container, tgid: tgid)
    }

    /// The number on the `Tgid:` line of `/proc/PID/status`.
    static func parseTgid(status: [UInt8]) -> Int32? {
        let key = Array("Tgid:".utf8)
        for line in status.split(separator: 0x0A) where line.starts(with: key) {
            let digits = line.dropFirst(key.count).drop { $0 == 0x20 || $0 == 0x09 }
            guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int32(exactly: digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) })
        }
        return nil
    }

    private static func readSmallFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = Syscall.open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        // procfs files report size 0, so read until EOF rather than trusting fstat.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let n = chunk.withUnsafeMutableBytes { raw in
                Syscall.retrying { Glibc.read(fd, raw.baseAddress!, raw.count) }
            }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}
