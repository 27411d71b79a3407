import Glibc

/// What `/proc` says about a caller: its command name and container, if any.
public struct CallerProcess: Sendable, Equatable {
    /// `/proc/PID/comm` without its newline (at most 15 bytes, so a small,
    /// heap-free `String`). Bytes that are not UTF-8 become U+FFFD.
    var name: String?
    /// The container id named by `/proc/PID/cgroup`, or nil.
    var container: String?

    public init(name: String? = nil, container: String? = nil) {
        self.name = name
        self.container = container
    }

    static let unknown = CallerProcess(name: nil, container: nil)

    /// Reads `/proc/PID/{comm,cgroup}`. Best effort: a process that has already
    /// exited, or a `/proc` mounted with `hidepid`, gives `.unknown`.
    static func read(pid: Int32, procRoot: String = "/proc") -> CallerProcess {
        guard pid > 0 else { return .unknown }
        let base = procRoot + "/" + String(pid)
        var name: String?
        if var comm = readSmallFile(base + "/comm", limit: 64), !comm.isEmpty {
            if comm.last == 0x0A { comm.removeLast() }
            name = String(decoding: comm, as: UTF8.self)
        }
        let container = readSmallFile(base + "/cgroup", limit: 16 << 10).flatMap(ContainerID.parse(cgroup:))
        return CallerProcess(name: name, container: container)
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
