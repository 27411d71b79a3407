import Glibc
import SystemPackage

/// A pipe for hearing from a child process (the daemon's ready report, a
/// helper's stderr). Both ends close on exec: the child gets its end as a
/// `ChildProcess.Descriptor.copy`, and nothing else leaks into it.
public struct ProcessPipe: ~Copyable {
    public let readEnd: Int32
    /// This process's write end until `closeWriteEnd`.
    public private(set) var writeEnd: Int32

    /// The corresponding C function is `pipe(2)`.
    public init() throws(Errno) {
        var fds: [Int32] = [-1, -1]
        _ = try Syscall.check { pipe(&fds) }
        do {
            for fd in fds { _ = try Syscall.check { fcntl(fd, F_SETFD, FD_CLOEXEC) } }
        } catch {
            fds.forEach(FileOutput.close)
            throw error
        }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        FileOutput.close(readEnd)
        if writeEnd >= 0 { FileOutput.close(writeEnd) }
    }

    /// Once the child holds its copy: the reader then sees end of file when the child is done.
    public mutating func closeWriteEnd() {
        guard writeEnd >= 0 else { return }
        FileOutput.close(writeEnd)
        writeEnd = -1
    }

    /// What arrives up to and including a newline, or up to end of file; nil
    /// if `timeout` seconds pass first. The corresponding C functions are
    /// `poll(2)` and `read(2)`.
    public func readLine(timeout: Double) throws(Errno) -> [UInt8]? {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(timeout * 1000)))
        var received: [UInt8] = []
        var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        while received.last != UInt8(ascii: "\n") {
            let (seconds, attoseconds) = ContinuousClock.now.duration(to: deadline).components
            let left = Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            if left == 0 { return nil }
            if try Syscall.check({ poll(&pfd, 1, left) }) == 0 { continue }
            let chunk = try readChunk()
            if chunk.isEmpty { break }
            received += chunk
        }
        return received
    }

    /// Everything until end of file.
    public func readAll() throws(Errno) -> [UInt8] {
        var received: [UInt8] = []
        while true {
            let chunk = try readChunk()
            if chunk.isEmpty { return received }
            received += chunk
        }
    }

    private func readChunk() throws(Errno) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = try Syscall.check { chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) } }
        return Array(chunk[..<n])
    }
}
