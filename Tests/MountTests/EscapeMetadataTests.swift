import Foundation
import Glibc
import XCTest

/// Class 8: metadata. What the view exposes about a visible node is the
/// source's attributes (mode, owner, size, times, link count of a file)
/// and its extended attributes. It must expose nothing about hidden ones:
/// `df` counts no usage, `du` only visible bytes, inode numbers are the
/// visible files' own (or, with `--inode-numbers private`, gatefs's own and
/// dense in lookup order) and never a hidden file's, and a hidden name has
/// no xattrs.
final class EscapeMetadataTests: EscapeTestCase {
    func testDfAndDuCountNothingHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.file("projects/demo/src/b.txt", String(repeating: "b", count: 10_000))
        try secret(fx, ".ssh/big.bin", padding: 16 << 20)
        try secret(fx, "projects/demo/.env", padding: 4 << 20)
        try secret(fx, "projects/other/huge.bin", padding: 16 << 20)
        try fx.mountLive(["--allow", "projects/demo"])
        let v = fx.mountpoint

        var s = statvfs()
        XCTAssertEqual(statvfs(v, &s), 0)
        XCTAssertEqual(s.f_blocks, s.f_bfree, "statfs reports used blocks")
        XCTAssertEqual(s.f_files, s.f_ffree, "statfs reports used inodes")
        let df = try fx.run(["/bin/df", "-B1", "--output=used,iused", v])
        XCTAssertEqual(df.stdout.split(separator: "\n").last?.split(separator: " ").map(String.init), ["0", "0"], "df: \(df)")

        let visible = sweep(fx, hidden: [".ssh", "projects/demo/.env", "projects/other"])
        var bytes = 0, kib = 0
        for path in visible.map({ String(decoding: $0, as: UTF8.self) }) + [""] {
            let st = try XCTUnwrap(Posix.lstatInfo(fx.source + (path.isEmpty ? "" : "/" + path)))
            bytes += Int(st.st_size)
            kib += Int(st.st_blocks) / 2
        }
        let du = try fx.run(["/usr/bin/du", "-s", "-b", v])
        XCTAssertEqual(du.stdout.split(separator: "\t").first.flatMap { Int($0) }, bytes, "du -sb: \(du)")
        let duK = try fx.run(["/usr/bin/du", "-s", "-k", v])
        XCTAssertEqual(duK.stdout.split(separator: "\t").first.flatMap { Int($0) }, kib, "du -sk: \(duK)")
        XCTAssertLessThan(kib, 1024, "du counts hidden bytes")
    }

    func testXattrsAreServedForVisibleNodesOnlyAndNeverForHiddenOnes() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.symlink("projects/demo/l", to: "a.txt")
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, "projects/demo/.env")
        let src = fx.source
        XCTAssertEqual(Xattr.set(src + "/projects/demo/a.txt", "user.note", "visible-note"), 0, "setxattr: \(Posix.name(errno))")
        XCTAssertEqual(Xattr.set(src + "/projects/demo", "user.dirnote", "dir-note"), 0)
        for path in [".ssh/id_ed25519", ".ssh", "projects/demo/.env"] {
            XCTAssertEqual(Xattr.set(src + "/" + path, "user.secret", Self.marker), 0)
        }
        try fx.mountLive(["--allow", "projects/demo"])
        let v = Array(fx.mountpoint.utf8)
        func p(_ s: String) -> [UInt8] { v + Array(("/" + s).utf8) }

        XCTAssertEqual(EscapeSyscalls.get(p("projects/demo/a.txt"), "user.note").escapeValue, Array("visible-note".utf8))
        XCTAssertEqual(EscapeSyscalls.get(p("projects/demo"), "user.dirnote").escapeValue, Array("dir-note".utf8))
        XCTAssertEqual(EscapeSyscalls.get(p("projects/demo/a.txt"), "user.secret").escapeError?.code, ENODATA)
        XCTAssertEqual(EscapeSyscalls.list(p("projects/demo/a.txt")).escapeValue.map { Set($0).contains("user.secret") }, false)
        XCTAssertEqual(EscapeSyscalls.list(p("projects/demo/a.txt")).escapeValue.map { Set($0).contains("user.note") }, true)
        // A link's own xattrs: none (user.* cannot be set on links); it does not reach a.txt's.
        XCTAssertNotEqual(EscapeSyscalls.get(p("projects/demo/l"), "user.note").escapeValue, Array("visible-note".utf8))
        for (path, denied, rule) in [(".ssh/id_ed25519", ".ssh", "secret:ssh"), (".ssh", ".ssh", "secret:ssh"),
                                     ("projects/demo/.env", "projects/demo/.env", "secret:env")] {
            XCTAssertEqual(EscapeSyscalls.get(p(path), "user.secret").escapeError?.code, ENOENT, "getxattr \(path)")
            XCTAssertEqual(EscapeSyscalls.list(p(path)).escapeError?.code, ENOENT, "listxattr \(path)")
            assertDenyLogged(fx, path: denied, rule: rule, op: "lookup")
        }
        sweep(fx, hidden: [".ssh", "projects/demo/.env"])
    }

    /// `--inode-numbers private`: node numbers are gatefs's own, assigned
    /// in lookup order and never to hidden names, so they are small however
    /// many hidden siblings the daemon was asked about; attributes of
    /// visible nodes are the source's; listings (readdir and readdirplus,
    /// which `ls -l` uses) carry nothing hidden.
    func testPrivateNodeNumbersAndAttributesRevealNoHiddenSibling() throws {
        let fx = try makeFixture()
        let hiddenInodes = try mountSiblings(fx, ["--inode-numbers", "private"])
        let d = fx.mountpoint + "/projects/demo"

        let dino = EscapeRawFS.inodes(d)
        XCTAssertEqual(Set(dino.keys), [".", "..", "a.txt", "b.txt", "sub"])
        for (name, ino) in dino where name != "." && name != ".." {
            XCTAssertFalse(hiddenInodes.contains(ino), "d_ino of \(name) is a hidden file's inode")
        }
        var inodes: [UInt64] = []
        for (name, view, source) in try visibleAttributes(fx) {
            inodes.append(UInt64(view.st_ino))
            XCTAssertNotEqual(view.st_ino, source.st_ino, "\(name): the view shows the source's inode number")
        }
        // 1 is the root; the few visible nodes looked up so far have small numbers,
        // however many hidden siblings the daemon was asked about.
        for i in 0..<3 { assertHidden(d + "/.env.\(i)") }
        XCTAssertLessThan(inodes.max() ?? 0, 64, "node numbers \(inodes): hidden names were given numbers")
        XCTAssertEqual(Set(inodes).count, inodes.count, "node numbers \(inodes) repeat")
        assertDirectoryLinkCounts(fx)
        sweep(fx, hidden: Self.hiddenSiblings)
    }

    /// The default, `inode_numbers = "source"`: a visible node's st_ino and
    /// its d_ino in every listing are the source file's own (so git's index
    /// matches), and no hidden file's number ever shows, in a listing or a
    /// stat. The other attributes are the source's, as in private mode.
    func testSourceInodeNumbersAreTheVisibleFilesOwnAndNeverAHiddenOnes() throws {
        let fx = try makeFixture()
        let hiddenInodes = try mountSiblings(fx, [])
        let d = fx.mountpoint + "/projects/demo"

        func sourceIno(_ relative: String) throws -> UInt64 {
            UInt64(try XCTUnwrap(Posix.lstatInfo(fx.source + (relative.isEmpty ? "" : "/" + relative)), relative).st_ino)
        }
        for (name, view, source) in try visibleAttributes(fx) {
            XCTAssertEqual(view.st_ino, source.st_ino, "\(name): st_ino is not the source's")
            XCTAssertFalse(hiddenInodes.contains(UInt64(view.st_ino)), "st_ino of \(name) is a hidden file's inode")
        }
        for dir in ["", "projects"] {
            let view = try XCTUnwrap(Posix.lstatInfo(fx.mountpoint + (dir.isEmpty ? "" : "/" + dir)))
            XCTAssertEqual(UInt64(view.st_ino), try sourceIno(dir), "st_ino of '\(dir)' is not the source's")
        }
        // Plain readdir(3) of every visible directory: each entry's d_ino is
        // the source's, "." and ".." included ("..", at the root, is the root).
        let listings: [(dir: String, names: Set<String>)] = [
            ("", ["projects"]), ("projects", ["demo"]),
            ("projects/demo", ["a.txt", "b.txt", "sub"]), ("projects/demo/sub", ["c.txt"]),
        ]
        for (dir, names) in listings {
            let dino = EscapeRawFS.inodes(fx.mountpoint + (dir.isEmpty ? "" : "/" + dir))
            XCTAssertEqual(Set(dino.keys), names.union([".", ".."]), "readdir '\(dir)'")
            let parent = dir.isEmpty ? "" : (dir as NSString).deletingLastPathComponent
            for (name, ino) in dino {
                XCTAssertFalse(hiddenInodes.contains(ino), "d_ino of \(name) in '\(dir)' is a hidden file's inode")
                let relative = name == "." ? dir : name == ".." ? parent : (dir.isEmpty ? name : dir + "/" + name)
                XCTAssertEqual(ino, try sourceIno(relative), "d_ino of \(name) in '\(dir)' is not the source's")
            }
        }
        // `ls -i` (readdirplus and statx) prints the same numbers.
        let ls = try fx.run(["/bin/ls", "-ai", d])
        XCTAssertEqual(ls.exitCode, 0, "\(ls)")
        for name in ["a.txt", "b.txt", "sub"] {
            let line = "\(try sourceIno("projects/demo/" + name)) \(name)"
            XCTAssertTrue(ls.stdout.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == line },
                          "ls -ai does not print '\(line)':\n\(ls.stdout)")
        }
        for i in 0..<3 { assertHidden(d + "/.env.\(i)") }
        assertDirectoryLinkCounts(fx)
        sweep(fx, hidden: Self.hiddenSiblings)
    }

    /// Every hidden path of `mountSiblings`, relative to the source.
    static let hiddenSiblings: [String] = (0..<200).map { "projects/demo/.env.\($0)" }
        + (0..<5).flatMap { ["projects/demo/hidden-\($0)", "projects/demo/hidden-\($0)/x"] }
        + [".ssh", ".ssh/id_ed25519"]

    /// projects/demo with three visible files beside 200 hidden `.env.N`
    /// siblings and 5 denied `hidden-N` directories, plus `.ssh`, mounted
    /// with `arguments` added. Returns the source inode numbers of every
    /// hidden path.
    private func mountSiblings(_ fx: MountFixture, _ arguments: [String]) throws -> Set<UInt64> {
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.file("projects/demo/b.txt", "bb\n")
        try fx.tree.file("projects/demo/sub/c.txt", "c\n")
        for i in 0..<200 { try secret(fx, "projects/demo/.env.\(i)") }
        for i in 0..<5 { try secret(fx, "projects/demo/hidden-\(i)/x") }
        try secret(fx, ".ssh/id_ed25519")
        try fx.mountLive(["--allow", "projects/demo", "--deny", "projects/demo/hidden-*"] + arguments)
        let hidden = try Self.hiddenSiblings.map { path in
            UInt64(try XCTUnwrap(Posix.lstatInfo(fx.source + "/" + path), path).st_ino)
        }
        XCTAssertEqual(hidden.count, Self.hiddenSiblings.count)
        return Set(hidden)
    }

    /// `ls -la` of projects/demo shows no hidden name, and each visible
    /// node's mode, size, owner, mtime and (for a file) link count are the
    /// source's. Returns (name, view lstat, source lstat) per visible node.
    private func visibleAttributes(
        _ fx: MountFixture, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [(String, stat, stat)] {
        let d = fx.mountpoint + "/projects/demo"
        let ls = try fx.run(["/bin/ls", "-lai", d])
        XCTAssertEqual(ls.exitCode, 0, "\(ls)", file: file, line: line)
        XCTAssertFalse(ls.stdout.contains(".env") || ls.stdout.contains("hidden-"), "ls -la shows hidden names:\n\(ls.stdout)",
                       file: file, line: line)
        var out: [(String, stat, stat)] = []
        for name in ["a.txt", "b.txt", "sub", "sub/c.txt"] {
            let view = try XCTUnwrap(Posix.lstatInfo(d + "/" + name), name, file: file, line: line)
            let source = try XCTUnwrap(Posix.lstatInfo(fx.source + "/projects/demo/" + name), name, file: file, line: line)
            XCTAssertEqual(view.st_mode, source.st_mode, name, file: file, line: line)
            XCTAssertEqual(view.st_size, source.st_size, name, file: file, line: line)
            XCTAssertEqual(view.st_uid, source.st_uid, name, file: file, line: line)
            XCTAssertEqual(timespec.Fields(view.st_mtim), timespec.Fields(source.st_mtim), name, file: file, line: line)
            if source.st_mode & S_IFMT == S_IFREG { XCTAssertEqual(view.st_nlink, source.st_nlink, name, file: file, line: line) }
            out.append((name, view, source))
        }
        return out
    }

    /// The source's directory link count is 2 + its subdirectories, so it
    /// would tell how many hidden ones there are (here 5 denied `hidden-N`).
    /// The view reports 1 ("unknown", as btrfs does) for every directory.
    private func assertDirectoryLinkCounts(_ fx: MountFixture, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Posix.lstatInfo(fx.mountpoint + "/projects/demo").map { UInt64($0.st_nlink) }, 1,
                       "st_nlink of projects/demo reveals subdirectories", file: file, line: line)
        XCTAssertEqual(Posix.lstatInfo(fx.mountpoint).map { UInt64($0.st_nlink) }, 1,
                       "st_nlink of the root reveals subdirectories (.ssh)", file: file, line: line)
    }
}
