import GateSystem
import SystemPackage

/// Follows a log as it grows, like `tail -F`: survives rotation (the file is
/// renamed to `.1` and a new one created), truncation, and the file being
/// absent for a while. Polling, not inotify: it works on any filesystem and
/// a poll every ~200 ms is cheap.
///
/// Call `poll()` repeatedly; it never blocks and returns the complete lines
/// that appeared since the last call. The caller owns the sleep between polls.
public final class AuditFollower {
    public let path: String
    private var fd: OwnedFD?
    private var identity = FileIdentity(dev: 0, ino: 0)
    /// Where the next read starts in the file being followed (reads are
    /// positioned, so a truncation only needs this moved back).
    private var offset = 0
    private var splitter = AuditLineSplitter()
    private var chunk = [UInt8](repeating: 0, count: 256 << 10)

    /// With `fromStart` false, lines already in the file are skipped.
    public init(path: String, fromStart: Bool = true) {
        self.path = path
        if let fd = open(), !fromStart {
            offset = Int((try? Sys.stat(fd: fd.descriptor))?.size ?? 0)
        }
    }

    public func poll() -> [AuditLine] {
        var lines: [AuditLine] = []
        guard let current = fd ?? open() else { return lines }
        drain(current, into: &lines)
        // Between the writer's rename and create there is no file: keep the old one for now.
        guard let info = try? Sys.stat(path: path) else { return lines }
        if info.identity != identity {
            // Rotated. The writer may have appended to the old file after our
            // last read and before renaming it, so read it to the end first.
            drain(current, into: &lines)
            fd = nil
            // Several rotations may have happened since the last poll; files
            // that came and went between them sit at path.1 … path.(k-1), where
            // path.k is the one we were reading. Unlike tail -F, read those too.
            for missed in skippedRotations() {
                guard let raw = try? Sys.openPath(missed, .readOnly) else { continue }
                splitter.reset()
                offset = 0
                drain(raw, into: &lines, label: missed)
            }
            if let next = open() { drain(next, into: &lines) }
        } else if Int(info.size) < offset {
            let cut = offset - Int(info.size)
            if cut <= splitter.partial.count {
                // The writer cut a torn tail we had half-read: forget that fragment.
                splitter.dropPartial()
                offset = Int(info.size)
            } else {
                offset = 0
                splitter.reset()
            }
            drain(current, into: &lines)
        }
        return lines
    }

    /// Opens the current file and starts at its beginning; nil when it is absent.
    private func open() -> OwnedFD? {
        guard let raw = try? Sys.openPath(path, .readOnly) else { return nil }
        let opened = raw
        fd = opened
        identity = (try? Sys.stat(fd: opened.descriptor))?.identity ?? FileIdentity(dev: 0, ino: 0)
        offset = 0
        splitter.reset()
        return opened
    }

    /// Rotated files newer than the one we were reading, oldest first; empty
    /// when ours was deleted (then nothing tells which are newer).
    private func skippedRotations() -> [String] {
        var newer: [String] = []
        var index = 1
        while let info = try? Sys.stat(path: "\(path).\(index)") {
            if info.identity == identity { return newer.reversed() }
            newer.append("\(path).\(index)")
            index += 1
        }
        return []
    }

    /// Reads `file` from `offset` to its end; a read error ends it like the
    /// end of the file does, and the next poll tries again from there.
    private func drain(_ file: OwnedFD, into lines: inout [AuditLine], label: String? = nil) {
        let name = label ?? path
        while true {
            let count = (try? Sys.pread(file.descriptor, into: &chunk, at: offset)) ?? 0
            guard count > 0 else { return }
            offset += count
            splitter.feed(chunk[0..<count]) { number, line in
                lines.append(AuditLine(file: name, number: number, bytes: line))
            }
        }
    }
}
