import Foundation
import Glibc

/// Creates files, directories and links under a root, by relative path,
/// creating parent directories as needed.
struct TreeBuilder: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let root: String

    func path(_ relative: String) -> String {
        relative.isEmpty ? root : root + "/" + relative
    }

    /// mkdir -p of `relative`, the root included.
    func directory(_ relative: String) throws {
        var current = ""
        for part in (root + "/" + relative).split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw Failure(description: "mkdir \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    func file(_ relative: String, _ text: String) throws {
        try file(relative, bytes: Array(text.utf8))
    }

    func file(_ relative: String, bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try file(relative, contents: $0) }
    }

    func file(_ relative: String, contents: UnsafeRawBufferPointer) throws {
        try parentDirectory(of: relative)
        let p = path(relative)
        let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "create \(p): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var done = 0
        while done < contents.count {
            let n = write(fd, contents.baseAddress! + done, contents.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "write \(p): \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    /// A symlink at `relative` whose target is `target`, verbatim.
    func symlink(_ relative: String, to target: String) throws {
        try parentDirectory(of: relative)
        guard Glibc.symlink(target, path(relative)) == 0 else {
            throw Failure(description: "symlink \(relative) -> \(target): \(String(cString: strerror(errno)))")
        }
    }

    /// A hard link at `relative` to the existing file `existing` (both relative).
    func hardLink(_ relative: String, to existing: String) throws {
        try parentDirectory(of: relative)
        guard link(path(existing), path(relative)) == 0 else {
            throw Failure(description: "link \(relative) -> \(existing): \(String(cString: strerror(errno)))")
        }
    }

    private func parentDirectory(of relative: String) throws {
        try directory((relative as NSString).deletingLastPathComponent)
    }
}
