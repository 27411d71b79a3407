import Glibc

/// Follows a log as it grows, like `tail -F`: survives rotation (the file is
/// renamed to `.1` and a new one created), truncation, and the file being
/// absent for a while. Polling, not inotify: it works on any filesystem and
/// a poll every ~200 ms is cheap.
///
/// Call `poll()` repeatedly; it never blocks and returns the complete lines
/// that appeared since the last call. The caller owns the sleep between polls.
public final class AuditFollower {
    public let path: String
    private var fd: Int32 = -1
    private var identity: (dev: UInt64, ino: UInt64) = (0, 0)
    private var offset = 0
    private var splitter = AuditLineSplitter()
    private var chunk = [UInt8](repeating: 0, count: 256 << 10)

    /// With `fromStart` false, lines already in the file are skipped.
    public init(path: String, fromStart: Bool = true) {
        self.path = path
        if open(), !fromStart {
            offset = Int(lseek(fd, 0, SEEK_END))
        }
    }

    deinit {
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    public func poll() -> [AuditLine] {
        var lines: [AuditLine] = []
        if fd < 0 {
            guard open() else { return lines }
        }
        drain(into: &lines)
        var info = stat()
        guard stat(path, &info) == 0 else {
            // Between the writer's rename and create: keep the old file for now.
            return lines
        }
        if UInt64(info.st_dev) != identity.dev || UInt64(info.st_ino) != identity.ino {
            // Rotated. The writer may have appended to the old file after our
            // last read and before renaming it, so read it to the end first.
            drain(into: &lines)
            _ = Glibc.close(fd)
            fd = -1
            // Several rotations may have happened since the last poll; files
            // that came and went between them sit at path.1 … path.(k-1), where
            // path.k is the one we were reading. Unlike tail -F, read those too.
            for missed in skippedRotations() {
                fd = Syscall.open(missed, O_RDONLY)
                guard fd >= 0 else { continue }
                splitter.reset()
                drain(into: &lines, label: missed)
                _ = Glibc.close(fd)
                fd = -1
            }
            if open() { drain(into: &lines) }
        } else if Int(info.st_size) < offset {
            let cut = offset - Int(info.st_size)
            if cut <= splitter.partial.count {
                // The writer cut a torn tail we had half-read: forget that fragment.
                splitter.dropPartial()
                offset = Int(info.st_size)
            } else {
                offset = 0
                splitter.reset()
            }
            _ = lseek(fd, off_t(offset), SEEK_SET)
            drain(into: &lines)
        }
        return lines
    }

    private func open() -> Bool {
        fd = Syscall.open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        var info = stat()
        _ = fstat(fd, &info)
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        offset = 0
        splitter.reset()
        return true
    }

    /// Rotated files newer than the one we were reading, oldest first; empty
    /// when ours was deleted (then nothing tells which are newer).
    private func skippedRotations() -> [String] {
        var newer: [String] = []
        var index = 1
        var info = stat()
        while stat("\(path).\(index)", &info) == 0 {
            if UInt64(info.st_dev) == identity.dev && UInt64(info.st_ino) == identity.ino {
                return newer.reversed()
            }
            newer.append("\(path).\(index)")
            index += 1
        }
        return []
    }

    private func drain(into lines: inout [AuditLine], label: String? = nil) {
        let file = label ?? path
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in
                Syscall.retrying { Glibc.read(fd, raw.baseAddress!, raw.count) }
            }
            guard count > 0 else { return }
            offset += count
            splitter.feed(chunk[0..<count]) { number, line in
                lines.append(AuditLine(file: file, number: number, bytes: line))
            }
        }
    }
}
