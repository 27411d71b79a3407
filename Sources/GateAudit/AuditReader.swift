import Glibc

/// Reads the lines of a log, by default across its rotated predecessors
/// (oldest first), without holding a whole file in memory.
///
/// A last line without its newline (a write in progress, or a crash the
/// writer has not yet recovered from) is not returned as a line; it is
/// reported in `incompleteTails`, so a log that is still being written reads
/// cleanly.
public final class AuditReader {
    public let files: [String]
    /// Unterminated trailing bytes met at the end of a file, one per file at most.
    public private(set) var incompleteTails: [AuditLine] = []

    private var fileIndex = -1
    private var fd: Int32 = -1
    private var splitter = AuditLineSplitter()
    private var ready: [AuditLine] = []
    private var readyIndex = 0
    private var chunk = [UInt8](repeating: 0, count: 256 << 10)

    /// Every file is opened here, up front: a rotation while reading renames
    /// files under us, and open descriptors keep pointing at the right ones.
    private var descriptors: [Int32] = []

    /// Throws when none of the files exists or one cannot be opened.
    public init(path: String, includeRotated: Bool = true) throws(AuditLogError) {
        let names = includeRotated ? AuditFileSet.files(for: path) : (AuditFileSet.exists(path) ? [path] : [])
        guard !names.isEmpty else {
            throw AuditLogError(operation: "read", path: path, errno: ENOENT)
        }
        var opened: [String] = []
        for name in names {
            let fd = Syscall.open(name, O_RDONLY)
            if fd >= 0 {
                opened.append(name)
                descriptors.append(fd)
            } else if errno != ENOENT {  // ENOENT: rotated away since listing
                let code = errno
                for fd in descriptors { _ = Glibc.close(fd) }
                throw AuditLogError(operation: "open", path: name, errno: code)
            }
        }
        guard !opened.isEmpty else { throw AuditLogError(operation: "read", path: path, errno: ENOENT) }
        files = opened
    }

    deinit {
        for fd in descriptors where fd >= 0 { _ = Glibc.close(fd) }
    }

    /// The next complete line, or nil after the last file.
    public func next() throws(AuditLogError) -> AuditLine? {
        while true {
            if readyIndex < ready.count {
                defer { readyIndex += 1 }
                return ready[readyIndex]
            }
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
            if fd < 0 {
                guard fileIndex + 1 < files.count else { return nil }
                fileIndex += 1
                fd = descriptors[fileIndex]
                splitter.reset()
            }
            let count = chunk.withUnsafeMutableBytes { raw in
                Syscall.retrying { Glibc.read(fd, raw.baseAddress!, raw.count) }
            }
            if count < 0 { throw AuditLogError(operation: "read", path: files[fileIndex], errno: errno) }
            let file = files[fileIndex]
            if count == 0 {
                if !splitter.partial.isEmpty {
                    incompleteTails.append(AuditLine(file: file, number: splitter.linesEmitted + 1, bytes: splitter.partial))
                }
                _ = Glibc.close(fd)
                descriptors[fileIndex] = -1
                fd = -1
                continue
            }
            splitter.feed(chunk[0..<count]) { number, line in
                ready.append(AuditLine(file: file, number: number, bytes: line))
            }
        }
    }

    /// Every remaining line.
    public func readAll() throws(AuditLogError) -> [AuditLine] {
        var lines: [AuditLine] = []
        while let line = try next() { lines.append(line) }
        return lines
    }
}
