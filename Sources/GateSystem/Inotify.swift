import Glibc
import SystemPackage

/// One inotify instance: watches added by descriptor, events drained
/// without blocking. Used to learn, with no polling interval, that a secret
/// store's contents changed on the host.
public final class Inotify: Sendable {
    public struct Event: Sendable {
        public let watch: Int32
        public let mask: UInt32
        public let name: [UInt8]
        /// The kernel dropped events: anything may have changed.
        public var isOverflow: Bool { mask & UInt32(IN_Q_OVERFLOW) != 0 }
    }

    public let fd: OwnedFD

    public init() throws(Errno) {
        fd = OwnedFD(adopting: try Syscall.check { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) })
    }

    /// Watches the directory open as `dir` (an O_PATH descriptor will do),
    /// through its /proc/self/fd link, so no path is resolved from the root.
    public func watch(_ dir: Int32, mask: UInt32) throws(Errno) -> Int32 {
        try Syscall.check { inotify_add_watch(fd.raw, "/proc/self/fd/\(dir)", mask | UInt32(IN_ONLYDIR)) }
    }

    /// Every event queued now; empty when none is.
    public func drain() -> [Event] {
        var events: [Event] = []
        let size = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd.raw, buffer.baseAddress!, size)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return events }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= n {
                let raw = buffer.baseAddress! + offset
                let wd = raw.loadUnaligned(fromByteOffset: 0, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                let nameStart = raw + header
                let nameBytes = UnsafeRawBufferPointer(start: nameStart, count: length)
                let name = Array(nameBytes.prefix { $0 != 0 })
                events.append(Event(watch: wd, mask: mask, name: name))
                offset += header + length
            }
        }
    }
}

extension Sys {
    /// Waits until one of `fds` has one of `events` (POLLIN, POLLPRI), or
    /// `timeoutMilliseconds` pass; returns the `revents` of each.
    public static func poll(_ fds: [(Int32, Int16)], timeoutMilliseconds: Int32) -> [Int16] {
        var entries = fds.map { pollfd(fd: $0.0, events: $0.1, revents: 0) }
        let n = entries.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), timeoutMilliseconds) }
        guard n > 0 else { return Array(repeating: 0, count: fds.count) }
        return entries.map(\.revents)
    }

    /// A small file's whole contents (procfs and sysfs files report size 0,
    /// so this reads until EOF), at most `limit` bytes.
    public static func readFile(_ path: String, limit: Int) throws(Errno) -> [UInt8] {
        let fd = OwnedFD(adopting: try openPath(path, flags: O_RDONLY))
        var bytes: [UInt8] = []
        // No bigger than `limit`: the audit's caller lookups read three small
        // /proc files on a FUSE thread, and zeroing 64 KiB for each is waste.
        var chunk = [UInt8](repeating: 0, count: min(limit, 64 * 1024))
        while bytes.count < limit {
            let n = try Syscall.check {
                chunk.withUnsafeMutableBytes { raw in Glibc.read(fd.raw, raw.baseAddress!, raw.count) }
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}
