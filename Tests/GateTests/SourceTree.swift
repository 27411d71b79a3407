import Foundation
import Glibc

/// A fresh directory under /tmp holding a `source` tree and an empty `mnt`
/// beside it (the mountpoint the gate is told about, never mounted). Made
/// with mkdtemp by the test itself, so any user can run the tier; removed
/// when the value dies, which a failed `#require` does not prevent.
final class SourceTree {
    let top: String
    let source: String
    let mountpoint: String

    init() throws {
        var template = Array("/tmp/gatetests-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw TreeError("mkdtemp: errno \(errno)")
        }
        // mkdtemp's /tmp is not a symlink here, but the gate wants a canonical source.
        let made = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        top = URL(fileURLWithPath: made).resolvingSymlinksInPath().path
        source = top + "/source"
        mountpoint = top + "/mnt"
        try check(mkdir(source, 0o755), "mkdir", source)
        try check(mkdir(mountpoint, 0o755), "mkdir", mountpoint)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: top)
    }

    func path(_ relative: String) -> String { source + "/" + relative }

    func directory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }

    func file(_ relative: String, _ text: String, mode: mode_t = 0o644) throws {
        try parent(of: relative)
        guard FileManager.default.createFile(atPath: path(relative), contents: Data(text.utf8)) else {
            throw TreeError("cannot create \(relative)")
        }
        try check(chmod(path(relative), mode), "chmod", relative)
    }

    func symlink(_ relative: String, to target: String) throws {
        try parent(of: relative)
        try check(Glibc.symlink(target, path(relative)), "symlink", relative)
    }

    /// `existing` is relative to the source, or absolute (a file outside it).
    func hardLink(_ relative: String, to existing: String) throws {
        try parent(of: relative)
        try check(link(existing.hasPrefix("/") ? existing : path(existing), path(relative)), "link", relative)
    }

    func rename(_ from: String, to: String) throws {
        try check(Glibc.rename(path(from), path(to)), "rename", from)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: path(relative))
    }

    /// The source's own (st_dev, st_ino) and size of a name, not following a link.
    func lstat(_ relative: String) throws -> stat {
        var st = stat()
        try check(Glibc.lstat(path(relative), &st), "lstat", relative)
        return st
    }

    private func parent(of relative: String) throws {
        let dir = (relative as NSString).deletingLastPathComponent
        if !dir.isEmpty { try directory(dir) }
    }

    private func check(_ status: Int32, _ call: String, _ what: String) throws {
        if status != 0 { throw TreeError("\(call) \(what): errno \(errno)") }
    }
}

struct TreeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension SourceTree {
    /// A home with a project, secret stores at the root, one level down and
    /// deep inside the project (with case and backup variants), and files a
    /// deny rule hides. `hiddenNames` and `visible` say what the view shows
    /// with `--allow '**'` and `sampleDeny`.
    func sampleHome() throws {
        try file("notes.txt", "notes\n")
        try file("projects/demo/README.md", "readme\n")
        try file("projects/demo/src/main.c", "int main(void) { return 0; }\n")
        try file("projects/demo/deep/er/notes.txt", "deep notes\n")
        try file("projects/other/notes.txt", "other\n")
        try directory("alice")
        for (path, text) in SourceTree.sampleHidden { try file(path, text) }
    }

    static let sampleDeny = ["projects/demo/private", "**/*.log"]

    /// Hidden files (or files inside hidden directories), with content that
    /// must never be served, and the rule that hides each topmost name.
    static let sampleHidden: [(String, String)] = [
        (".ssh/id_ed25519", "SECRET ssh key\n"),
        (".ssh/known_hosts", "SECRET known hosts\n"),
        (".SSH/id_rsa", "SECRET upper-case store\n"),
        (".ssh.bak/id_ed25519", "SECRET backup store\n"),
        (".aws/credentials", "SECRET aws\n"),
        ("alice/.aws/credentials", "SECRET alice aws\n"),
        ("projects/demo/.env", "SECRET=env\n"),
        ("projects/demo/.env.bak", "SECRET=env backup\n"),
        ("projects/demo/Copy of .env", "SECRET=env copy\n"),
        ("projects/demo/deep/er/id_rsa", "SECRET deep key\n"),
        ("projects/demo/server.PEM", "SECRET pem\n"),
        ("projects/demo/private/plan.txt", "SECRET plan\n"),
        ("projects/demo/build.log", "SECRET log\n"),
    ]

    /// The topmost hidden name of each hidden entry, and the rule a deny line names.
    static let sampleHiddenRules: [(String, String)] = [
        (".ssh", "secret:ssh"), (".SSH", "secret:ssh"), (".ssh.bak", "secret:ssh"), (".aws", "secret:aws"),
        ("alice/.aws", "secret:aws"), ("projects/demo/.env", "secret:env"), ("projects/demo/.env.bak", "secret:env"),
        ("projects/demo/Copy of .env", "secret:env"), ("projects/demo/deep/er/id_rsa", "secret:private-key"),
        ("projects/demo/server.PEM", "secret:key-file"), ("projects/demo/private", "deny:projects/demo/private"),
        ("projects/demo/build.log", "deny:**/*.log"),
    ]

    /// Every directory of the sample and what the view lists in it.
    static let sampleListings: [(String, Set<String>)] = [
        ("", ["notes.txt", "projects", "alice"]),
        ("alice", []),
        ("projects", ["demo", "other"]),
        ("projects/demo", ["README.md", "src", "deep"]),
        ("projects/demo/src", ["main.c"]),
        ("projects/demo/deep", ["er"]),
        ("projects/demo/deep/er", ["notes.txt"]),
        ("projects/other", ["notes.txt"]),
    ]
}
