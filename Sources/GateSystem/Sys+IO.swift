import Glibc
import SystemPackage

extension Sys {
    /// Reads at most `buffer.count` bytes at the file's offset; 0 at the end.
    /// The corresponding C function is `read(2)`.
    public static func read(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try Syscall.check { Glibc.read(fd.rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes at most `bytes.count` bytes; returns how many were written.
    /// The corresponding C function is `write(2)`.
    public static func write(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try Syscall.check { Glibc.write(fd.rawValue, bytes.baseAddress, bytes.count) }
    }

    /// A small file's whole contents (procfs and sysfs files report size 0,
    /// so this reads until EOF), at most `limit` bytes.
    public static func readFile(_ path: String, limit: Int) throws(Errno) -> [UInt8] {
        let file = try openPath(path)
        // The OwnedFD must outlive the reads: its deinit closes the descriptor.
        return try withExtendedLifetime(file) { () throws(Errno) -> [UInt8] in try readAll(file.descriptor, limit: limit) }
    }

    /// What `fd` gives until end of file, at most about `limit` bytes (a
    /// config file, a child's stderr through a pipe).
    public static func readAll(_ fd: FileDescriptor, limit: Int = .max) throws(Errno) -> [UInt8] {
        var bytes: [UInt8] = []
        // No bigger than `limit`: caller lookups read small /proc files on FUSE threads.
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, min(limit, 64 * 1024)), alignment: 1)
        defer { chunk.deallocate() }
        while bytes.count < limit {
            let n = try read(fd, into: chunk)
            if n == 0 { break }
            bytes.append(contentsOf: chunk[..<n])
        }
        return bytes
    }

    /// What `poll` waits for on a descriptor, and what it found.
    public struct PollEvents: OptionSet, Sendable {
        public let rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }

        /// There is data to read (`POLLIN`).
        public static var readable: Self { Self(rawValue: Int16(POLLIN)) }
        /// An exceptional condition; procfs's mount table reports a change
        /// this way (`POLLPRI`).
        public static var priority: Self { Self(rawValue: Int16(POLLPRI)) }
        /// An error condition, reported whether asked for or not (`POLLERR`).
        public static var error: Self { Self(rawValue: Int16(POLLERR)) }
    }

    /// Waits until `fd` has one of `events`, or `timeoutMilliseconds` pass;
    /// returns what it has (empty on a timeout).
    /// The corresponding C function is `poll(2)`.
    public static func poll(
        _ fd: FileDescriptor, for events: PollEvents, timeoutMilliseconds: Int32
    ) throws(Errno) -> PollEvents {
        var entry = pollfd(fd: fd.rawValue, events: events.rawValue, revents: 0)
        _ = try Syscall.check { Glibc.poll(&entry, 1, timeoutMilliseconds) }
        return PollEvents(rawValue: entry.revents)
    }

    /// Sleeps for `microseconds`, the whole time even if a signal handler
    /// runs meanwhile. The corresponding C function is `nanosleep(2)`.
    public static func sleep(microseconds: UInt32) {
        var request = timespec(tv_sec: Int(microseconds / 1_000_000), tv_nsec: Int(microseconds % 1_000_000) * 1000)
        var remaining = timespec()
        while Glibc.nanosleep(&request, &remaining) == -1 {
            // EINVAL cannot happen for a request built this way; EINTR leaves
            // the rest of the time in `remaining`.
            precondition(errno == EINTR, "gatefs bug: nanosleep failed with \(Errno(rawValue: errno))")
            request = remaining
        }
    }

    /// The wall clock, in whole seconds since the epoch.
    /// The corresponding C function is `time(2)`.
    public static func time() -> Int64 {
        Int64(Glibc.time(nil))
    }
}
