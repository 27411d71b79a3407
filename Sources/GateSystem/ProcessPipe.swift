import Glibc
import SystemPackage

/// A pipe for hearing from a child process (the daemon's ready report, a
/// helper's stderr). Both ends close on exec: the child gets its end as a
/// `ChildProcess.Descriptor.copy`, and nothing else leaks into it.
public struct ProcessPipe: Sendable {
    public let readEnd: OwnedFD
    /// This process's write end, until `closeWriteEnd`.
    public private(set) var writeEnd: OwnedFD?

    /// The corresponding C functions are `pipe(2)` and `fcntl(2)` (`FD_CLOEXEC`
    /// on both ends; `pipe2` is hidden from Swift's Glibc module).
    public init() throws(Errno) {
        var fds: [Int32] = [-1, -1]
        _ = try Syscall.check { pipe(&fds) }
        readEnd = OwnedFD(adopting: FileDescriptor(rawValue: fds[0]))
        writeEnd = OwnedFD(adopting: FileDescriptor(rawValue: fds[1]))
        for fd in fds { _ = try Syscall.check { fcntl(fd, F_SETFD, FD_CLOEXEC) } }
    }

    /// Once the child holds its copy: the reader then sees end of file when the child is done.
    public mutating func closeWriteEnd() {
        writeEnd = nil
    }

    /// What arrives up to and including a newline, or up to end of file; nil
    /// if `timeout` seconds pass first.
    public func readLine(timeout: Double) throws(Errno) -> [UInt8]? {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(timeout * 1000)))
        var received: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)
        defer { chunk.deallocate() }
        while received.last != UInt8(ascii: "\n") {
            let (seconds, attoseconds) = ContinuousClock.now.duration(to: deadline).components
            let left = Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            if left == 0 { return nil }
            if try Sys.poll(readEnd.descriptor, for: .readable, timeoutMilliseconds: left).isEmpty { continue }
            let n = try Sys.read(readEnd.descriptor, into: chunk)
            if n == 0 { break }
            received += chunk[..<n]
        }
        return received
    }

    /// Everything until end of file.
    public func readAll() throws(Errno) -> [UInt8] {
        try Sys.readAll(readEnd.descriptor)
    }
}
