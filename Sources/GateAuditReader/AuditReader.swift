import GateAuditFormat
import GateSystem
import SystemPackage

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
    private var fd: OwnedFD?
    private var splitter = AuditLineSplitter()
    private var ready: [AuditLine] = []
    private var readyIndex = 0
    private var chunk = [UInt8](repeating: 0, count: 256 << 10)

    /// Every file is opened here, up front: a rotation while reading renames
    /// files under us, and open descriptors keep pointing at the right ones.
    private var descriptors: [OwnedFD?] = []

    /// Throws when none of the files exists or one cannot be opened.
    public init(path: String, includeRotated: Bool = true) throws(AuditLogError) {
        let names = includeRotated ? AuditFileSet.files(for: path) : (AuditFileSet.exists(path) ? [path] : [])
        guard !names.isEmpty else {
            throw AuditLogError(operation: "read", path: path, errno: Errno.noSuchFileOrDirectory.rawValue)
        }
        var opened: [String] = []
        for name in names {
            do {
                descriptors.append(try Sys.openPath(name, .readOnly))
                opened.append(name)
            } catch .noSuchFileOrDirectory {
                continue  // rotated away since listing
            } catch {
                throw AuditLogError(operation: "open", path: name, errno: error.rawValue)
            }
        }
        guard !opened.isEmpty else {
            throw AuditLogError(operation: "read", path: path, errno: Errno.noSuchFileOrDirectory.rawValue)
        }
        files = opened
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
            guard let current = fd ?? nextFile() else { return nil }
            let file = files[fileIndex]
            let count: Int
            do {
                count = try Sys.read(current.descriptor, into: &chunk)
            } catch {
                throw AuditLogError(operation: "read", path: file, errno: error.rawValue)
            }
            if count == 0 {
                if !splitter.partial.isEmpty {
                    incompleteTails.append(AuditLine(file: file, number: splitter.linesEmitted + 1, bytes: splitter.partial))
                }
                fd = nil
                continue
            }
            splitter.feed(chunk[0..<count]) { number, line in
                ready.append(AuditLine(file: file, number: number, bytes: line))
            }
        }
    }

    /// Moves on to the next file, or nil after the last. Its descriptor
    /// leaves `descriptors`, so it closes once the file is read.
    private func nextFile() -> OwnedFD? {
        guard fileIndex + 1 < files.count else { return nil }
        fileIndex += 1
        fd = descriptors[fileIndex]
        descriptors[fileIndex] = nil
        splitter.reset()
        return fd
    }

    /// Every remaining line.
    public func readAll() throws(AuditLogError) -> [AuditLine] {
        var lines: [AuditLine] = []
        while let line = try next() { lines.append(line) }
        return lines
    }
}
