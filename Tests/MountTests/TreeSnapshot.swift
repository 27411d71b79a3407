import Foundation
import Glibc

/// Everything about a directory tree that a write could change: every
/// name, its type, mode, owner, size, link count, mtime and ctime, and the
/// bytes of every file and link target. Two equal snapshots mean the tree
/// is byte-identical (atime, which reads may update, is left out).
struct TreeSnapshot: Equatable, Sendable {
    struct Node: Equatable, Sendable {
        let mode: UInt32
        let uid: UInt32
        let gid: UInt32
        let size: Int64
        let nlink: UInt64
        let mtime: timespec.Fields
        let ctime: timespec.Fields
        /// File bytes, or a symlink's target.
        let contents: [UInt8]
    }

    let nodes: [String: Node]

    init(of root: String) throws {
        var nodes: [String: Node] = [:]
        try TreeSnapshot.walk(root, relative: "", into: &nodes)
        self.nodes = nodes
    }

    /// The paths whose nodes differ between two snapshots.
    func differences(from other: TreeSnapshot) -> [String] {
        Set(nodes.keys).union(other.nodes.keys).filter { nodes[$0] != other.nodes[$0] }.sorted()
    }

    /// The paths whose type, mode, owner, link count or bytes differ, and
    /// for files and links their size; times and directory sizes are left
    /// out, so two trees made by the same steps at different moments (or on
    /// directories with another history) compare equal.
    func contentDifferences(from other: TreeSnapshot) -> [String] {
        Set(nodes.keys).union(other.nodes.keys).filter { path in
            guard let a = nodes[path], let b = other.nodes[path] else { return true }
            let sizeCounts = a.mode & S_IFMT != S_IFDIR
            return a.mode != b.mode || a.uid != b.uid || a.gid != b.gid || a.nlink != b.nlink
                || (sizeCounts && a.size != b.size) || a.contents != b.contents
        }.sorted()
    }

    private static func walk(_ root: String, relative: String, into nodes: inout [String: Node]) throws {
        let full = relative.isEmpty ? root : root + "/" + relative
        var st = stat()
        guard lstat(full, &st) == 0 else {
            throw TreeBuilder.Failure(description: "lstat \(full): \(String(cString: strerror(errno)))")
        }
        var contents: [UInt8] = []
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            contents = Array(FileManager.default.contents(atPath: full) ?? Data())
        case S_IFLNK:
            var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX))
            let n = buffer.withUnsafeMutableBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { readlink(full, $0.baseAddress!, $0.count) }
            }
            contents = Array(buffer[..<max(0, n)])
        default:
            break
        }
        nodes[relative] = Node(
            mode: st.st_mode, uid: st.st_uid, gid: st.st_gid, size: Int64(st.st_size), nlink: UInt64(st.st_nlink),
            mtime: timespec.Fields(st.st_mtim), ctime: timespec.Fields(st.st_ctim), contents: contents)
        if st.st_mode & S_IFMT == S_IFDIR {
            for name in try DirectoryListing.names(full) {
                try walk(root, relative: relative.isEmpty ? name : relative + "/" + name, into: &nodes)
            }
        }
    }
}

extension timespec {
    /// timespec as an Equatable value.
    struct Fields: Equatable, Sendable {
        let seconds: Int
        let nanoseconds: Int

        init(_ t: timespec) {
            seconds = t.tv_sec
            nanoseconds = t.tv_nsec
        }
    }
}

/// readdir(3) straight from libc, so listings see exactly what the
/// filesystem returns ("." and ".." dropped).
enum DirectoryListing {
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let errno: Int32
        var description: String { "opendir \(path): \(String(cString: strerror(errno)))" }
    }

    static func names(_ path: String) throws(Failure) -> [String] {
        guard let dir = opendir(path) else { throw Failure(path: path, errno: errno) }
        defer { closedir(dir) }
        var out: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw Failure(path: path, errno: errno) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }
}
