import Foundation
import GateAuditReader
import Glibc
import XCTest

/// What a write grant still refuses (issue 12, "What is refused, and how"),
/// each with its errno, each with a `deny` line, and each leaving every
/// hidden file on the host as it was. A hidden name answers the same
/// whether or not a file of that name exists on the host: each case is
/// tried where one exists (projects/demo) and where none does (sub).
final class WriteGrantRefusalTests: MountTestCase {
    /// Hidden names planted in projects/demo (none in projects/demo/sub), with the rule that hides them.
    static let hiddenNames = [(".env", "secret:env"), ("id_rsa", "secret:private-key"), ("x.pem", "secret:key-file"),
                              ("db.sqlite", "deny:**/*.sqlite")]
    static let marker = "HIDDEN-HOST-FILE"

    /// The source: a granted project with hidden files, a read-only `docs`,
    /// a pattern grant `notes/*.txt` next to a hidden `notes/diary.md`,
    /// ~/.ssh with a key, and a hard link to that key made before the mount.
    private func makeRefusalFixture() throws -> MountFixture {
        let fx = try makeFixture()
        let t = fx.tree
        try t.file("projects/demo/a.txt", "alpha\n")
        try t.directory("projects/demo/sub")
        try t.directory("projects/demo/empty")
        for (name, _) in Self.hiddenNames { try t.file("projects/demo/" + name, "\(Self.marker) \(name)\n") }
        try t.file("projects/demo/cfg/.env", "\(Self.marker) cfg/.env\n")
        try t.file("projects/demo/cfg/id_rsa", "\(Self.marker) cfg/id_rsa\n")
        try t.file("docs/readme.md", "read only\n")
        try t.file("notes/diary.md", "\(Self.marker) diary\n")
        try t.file(".ssh/id_ed25519", "\(Self.marker) ssh key\n")
        try t.hardLink("projects/demo/key-link", to: ".ssh/id_ed25519")
        try t.file("private/token.txt", "\(Self.marker) token\n")
        try t.hardLink("projects/demo/token-link", to: "private/token.txt")
        try fx.mountLive(WriteGrant.flags + ["--allow", "docs", "--allow-write", "notes/*.txt",
                                             "--deny", "**/*.sqlite", "--deny", "private/token.txt"])
        return fx
    }

    /// Every file holding the marker, with its bytes, mode and times.
    private func hiddenFiles(_ fx: MountFixture) throws -> TreeSnapshot.Filtered {
        try TreeSnapshot(of: fx.source).filtered { $0.contents.starts(with: Array(Self.marker.utf8)) }
    }

    // MARK: - Creating hidden names

    func testCreatingAHiddenNameIsEACCESWhetherOrNotAFileOfThatNameExists() throws {
        let fx = try makeRefusalFixture()
        let before = try hiddenFiles(fx)
        let d = fx.mountpoint + "/projects/demo"
        let creators: [(String, (String) -> Int32)] = [
            ("open O_WRONLY|O_CREAT", { open($0, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }),
            ("open O_RDWR|O_CREAT|O_EXCL", { open($0, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }),
            ("open O_WRONLY|O_CREAT|O_TRUNC", { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }),
            ("mkdir", { mkdir($0, 0o755) }),
            ("mkfifo", { mkfifo($0, 0o644) }),
            ("symlink", { symlink("a.txt", $0) }),
            ("link", { link(d + "/a.txt", $0) }),
        ]
        var targets: [(path: String, rule: String)] = []
        for (name, rule) in Self.hiddenNames {
            targets += [("projects/demo/" + name, rule), ("projects/demo/sub/" + name, rule)]
        }
        // Outside the view but in a directory a pattern grant writes to: the existing diary and a free .md name.
        targets += [("notes/diary.md", ""), ("notes/other.md", "")]
        for (label, create) in creators {
            for target in targets {
                assertErrno(EACCES, "\(label) \(target.path)", closingResult: true) { create(fx.mountpoint + "/" + target.path) }
            }
        }
        for target in targets {
            assertWriteDenied(fx, [target.path], errno: "EACCES", rule: target.rule.isEmpty ? nil : target.rule)
            assertAbsent(fx.mountpoint + "/" + target.path)
        }
        // The same calls on ordinary names work, so the refusals above are about the names.
        assertErrno(0, "create notes/new.txt (the pattern grant)", closingResult: true) {
            open(fx.mountpoint + "/notes/new.txt", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        }
        assertErrno(0, "create sub/ok.txt", closingResult: true) { open(d + "/sub/ok.txt", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }
        XCTAssertEqual(try hiddenFiles(fx), before, "a hidden file changed")
        assertListing(fx.source + "/projects/demo/sub", ["ok.txt"])
    }

    // MARK: - Renames

    func testRenamesOntoHiddenNamesOrOutOfTheGrantAreRefused() throws {
        let fx = try makeRefusalFixture()
        let before = try hiddenFiles(fx)
        let (v, d) = (fx.mountpoint, fx.mountpoint + "/projects/demo")
        for (name, rule) in Self.hiddenNames {
            for dir in ["projects/demo/", "projects/demo/sub/"] {
                assertErrno(EACCES, "rename a.txt onto \(dir + name)") { rename(d + "/a.txt", v + "/" + dir + name) }
                let noReplace = EscapeSyscalls.rename2(d + "/a.txt", v + "/" + dir + name, flags: EscapeSyscalls.renameNoReplace)
                XCTAssertEqual(Posix.name(noReplace), "EACCES", "renameat2 NOREPLACE onto \(dir + name)")
                assertWriteDenied(fx, [dir + name, "projects/demo/a.txt"], errno: "EACCES", rule: rule)
            }
            // EXCHANGE needs both names to exist; the kernel sees a hidden name as absent.
            let onHost = EscapeSyscalls.rename2(d + "/a.txt", d + "/" + name, flags: EscapeSyscalls.renameExchange)
            let free = EscapeSyscalls.rename2(d + "/a.txt", d + "/sub/" + name, flags: EscapeSyscalls.renameExchange)
            XCTAssertNotEqual(onHost, 0, "renameat2 EXCHANGE with the hidden \(name)")
            XCTAssertEqual(Posix.name(onHost), Posix.name(free), "EXCHANGE tells whether a hidden \(name) exists")
        }
        assertErrno(EACCES, "rename onto notes/diary.md") { rename(d + "/a.txt", v + "/notes/diary.md") }
        assertErrno(EACCES, "rename to notes/other.md") { rename(d + "/a.txt", v + "/notes/other.md") }

        // Out of the grant: into a read-only visible directory, or a hidden place.
        assertErrno(EROFS, "rename a.txt into docs") { rename(d + "/a.txt", v + "/docs/a.txt") }
        assertErrno(EROFS, "rename sub into docs") { rename(d + "/sub", v + "/docs/sub") }
        assertWriteDenied(fx, ["docs/a.txt", "projects/demo/a.txt"], errno: "EROFS", rule: "read-only")
        // The root only leads to allowed paths: a new name there is outside the view.
        assertErrno(EACCES, "rename a.txt to the root") { rename(d + "/a.txt", v + "/a.txt") }
        assertWriteDenied(fx, ["a.txt", "projects/demo/a.txt"], errno: "EACCES", rule: "not-allowed")
        assertErrno(ENOENT, "rename into .ssh/") { rename(d + "/a.txt", v + "/.ssh/a.txt") }
        assertErrno(ENOENT, "rename into a directory that does not exist") { rename(d + "/a.txt", v + "/.nothing/a.txt") }
        let ontoStore = Posix.failure { rename(d + "/sub", v + "/.ssh") }
        let ontoFreeStoreName = Posix.failure { rename(d + "/sub", v + "/.gnupg") }
        XCTAssertTrue([EACCES, EROFS].contains(ontoStore), "rename sub onto .ssh: \(Posix.name(ontoStore))")
        XCTAssertEqual(Posix.name(ontoStore), Posix.name(ontoFreeStoreName), "renaming onto .ssh tells that it exists")
        assertWriteDenied(fx, [".ssh", "projects/demo/sub"], errno: Posix.name(ontoStore))

        XCTAssertEqual(Posix.readFile(fx.source + "/projects/demo/a.txt"), .success(Array("alpha\n".utf8)))
        XCTAssertEqual(try hiddenFiles(fx), before, "a hidden file changed")
        assertListing(fx.source + "/docs", ["readme.md"])
        assertListing(fx.source + "/projects/demo/sub", [])
    }

    // MARK: - rmdir

    /// cfg holds only hidden entries: the view lists it empty, but it is not.
    func testRmdirOfADirectoryHoldingHiddenEntriesIsENOTEMPTY() throws {
        let fx = try makeRefusalFixture()
        let before = try hiddenFiles(fx)
        let d = fx.mountpoint + "/projects/demo"
        assertListing(d + "/cfg", [])
        assertErrno(ENOTEMPTY, "rmdir cfg") { rmdir(d + "/cfg") }
        assertErrno(ENOTEMPTY, "rename empty onto cfg") { rename(d + "/empty", d + "/cfg") }
        let rm = try fx.run(["/bin/rm", "-rf", d + "/cfg"])
        XCTAssertNotEqual(rm.exitCode, 0, "rm -rf of a directory holding hidden files succeeded:\n\(rm)")
        assertErrno(0, "rmdir of an empty directory") { rmdir(d + "/empty") }
        XCTAssertEqual(try hiddenFiles(fx), before, "a hidden entry of cfg changed")
        assertListing(fx.source + "/projects/demo/cfg", [".env", "id_rsa"])
    }

    // MARK: - No grant

    func testWritesToAVisiblePathWithoutAGrantAreEROFS() throws {
        let fx = try makeRefusalFixture()
        let before = try TreeSnapshot(of: fx.source)
        let (v, readme) = (fx.mountpoint, fx.mountpoint + "/docs/readme.md")
        assertErrno(EROFS, "open O_WRONLY", closingResult: true) { open(readme, O_WRONLY | O_CLOEXEC) }
        assertErrno(EROFS, "open O_RDWR|O_TRUNC", closingResult: true) { open(readme, O_RDWR | O_TRUNC | O_CLOEXEC) }
        assertErrno(EROFS, "create in docs", closingResult: true) { open(v + "/docs/new.md", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }
        assertErrno(EROFS, "mkdir in docs") { mkdir(v + "/docs/dir", 0o755) }
        assertErrno(EROFS, "unlink") { unlink(readme) }
        assertErrno(EROFS, "rmdir docs") { rmdir(v + "/docs") }
        assertErrno(EROFS, "chmod") { chmod(readme, 0o600) }
        assertErrno(EROFS, "truncate") { truncate(readme, 0) }
        assertErrno(EROFS, "utimes") { utimes(readme, nil) }
        assertErrno(EROFS, "setxattr user.*") { Xattr.set(readme, "user.x", "y") }
        assertErrno(EROFS, "rename within docs") { rename(readme, v + "/docs/moved.md") }
        assertErrno(EROFS, "rename docs into the grant") { rename(readme, v + "/projects/demo/readme.md") }
        for path in ["docs/readme.md", "docs/new.md", "docs/dir"] {
            assertWriteDenied(fx, [path], errno: "EROFS", rule: "read-only")
        }
        // Directories shown only because they lead to allowed paths: a new
        // name in them is outside the view, refused like any hidden name.
        assertErrno(EACCES, "mkdir at the root") { mkdir(v + "/newdir", 0o755) }
        assertErrno(EACCES, "create in projects", closingResult: true) { open(v + "/projects/new", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }
        assertWriteDenied(fx, ["newdir"], errno: "EACCES", rule: "not-allowed")
        assertWriteDenied(fx, ["projects/new"], errno: "EACCES", rule: "not-allowed")
        XCTAssertEqual(try TreeSnapshot(of: fx.source).differences(from: before), [], "the source changed")
    }

    // MARK: - Identity

    /// key-link is ~/.ssh/id_ed25519 under another name, token-link a
    /// fixed-path deny; both were linked on the host before the mount.
    func testNoWriteReachesASecretThroughAHardLink() throws {
        let fx = try makeRefusalFixture()
        let before = try hiddenFiles(fx)
        let d = fx.mountpoint + "/projects/demo"
        for name in ["key-link", "token-link"] {
            let path = d + "/" + name
            let attempts: [(String, () -> Int32)] = [
                ("open O_WRONLY", { open(path, O_WRONLY | O_CLOEXEC) }),
                ("open O_RDWR|O_APPEND", { open(path, O_RDWR | O_APPEND | O_CLOEXEC) }),
                ("open O_WRONLY|O_CREAT", { open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }),
                ("open O_WRONLY|O_CREAT|O_TRUNC", { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }),
                ("truncate", { truncate(path, 0) }),
                ("chmod", { chmod(path, 0o666) }),
                ("chown", { chown(path, 1000, 1000) }),
                ("utimes", { utimes(path, nil) }),
                ("setxattr", { Xattr.set(path, "user.x", "y") }),
                ("link to it", { link(path, d + "/third-link") }),
                ("rename it", { rename(path, d + "/renamed") }),
                ("unlink it", { unlink(path) }),
            ]
            for (label, attempt) in attempts {
                let e = Posix.failure(closingResult: true, attempt)
                XCTAssertTrue([ENOENT, EACCES].contains(e), "\(label) \(name): got \(Posix.name(e))")
            }
            assertAbsent(path)
        }
        XCTAssertEqual(try hiddenFiles(fx), before, "a write reached a secret through a hard link")
        XCTAssertEqual(Posix.lstatInfo(fx.source + "/.ssh/id_ed25519").map { UInt64($0.st_nlink) }, 2, "the host's link count changed")
        assertAbsent(d + "/third-link")
        assertAbsent(d + "/renamed")
    }

    // MARK: - Privilege

    func testSetuidAndSetgidAreStrippedFromFilesButDirectoriesKeepSetgid() throws {
        let fx = try makeRefusalFixture()
        let (d, host) = (fx.mountpoint + "/projects/demo", fx.source + "/projects/demo")
        let native = fx.directory + "/native"
        XCTAssertEqual(mkdir(native, 0o755), 0)
        let previous = umask(0)
        defer { umask(previous) }
        for root in [native, d] {
            let fd = open(root + "/created", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o6755)
            XCTAssertGreaterThanOrEqual(fd, 0, "create in \(root): \(Posix.name(errno))")
            if fd >= 0 {
                XCTAssertEqual(fchmod(fd, 0o6755), 0, "fchmod in \(root): \(Posix.name(errno))")
                close(fd)
            }
            XCTAssertEqual(creat(root + "/chmodded", 0o644).closing, 0)
            XCTAssertEqual(chmod(root + "/chmodded", 0o4755), 0, "chmod u+s in \(root): \(Posix.name(errno))")
            XCTAssertEqual(mkdir(root + "/group-dir", 0o755), 0)
            XCTAssertEqual(chmod(root + "/group-dir", 0o2775), 0, "chmod g+s on a directory in \(root): \(Posix.name(errno))")
        }
        // Native root keeps every bit (the control); the view strips them from files only.
        XCTAssertEqual(Self.mode(native + "/created"), 0o6755)
        XCTAssertEqual(Self.mode(native + "/chmodded"), 0o4755)
        XCTAssertEqual(Self.mode(host + "/created"), 0o755, "setuid/setgid of a file created through the view")
        XCTAssertEqual(Self.mode(host + "/chmodded"), 0o755, "setuid of a file chmod-ed through the view")
        XCTAssertEqual(Self.mode(host + "/group-dir"), 0o2775, "a directory keeps setgid")
        XCTAssertEqual(Self.mode(d + "/chmodded"), 0o755, "the view's own stat")
        let setattr = AgentAuditLog.wait(for: fx.log) { $0.event == "setattr" && $0.path == "projects/demo/chmodded" }
        XCTAssertNotNil(setattr, "no setattr line for the chmod")
    }

    func testDeviceNodesAreEPERMWhileFifosWork() throws {
        let fx = try makeRefusalFixture()
        let d = fx.mountpoint + "/projects/demo"
        assertErrno(EPERM, "mknod a char device") { mknod(d + "/null", S_IFCHR | 0o666, (1 << 8) | 3) }
        assertErrno(EPERM, "mknod a block device") { mknod(d + "/disk", S_IFBLK | 0o600, (7 << 8) | 0) }
        assertWriteDenied(fx, ["projects/demo/null"], errno: "EPERM")
        assertWriteDenied(fx, ["projects/demo/disk"], errno: "EPERM")
        assertAbsent(fx.source + "/projects/demo/null")
        assertAbsent(fx.source + "/projects/demo/disk")
        assertErrno(0, "mkfifo") { mkfifo(d + "/fifo", 0o644) }
        XCTAssertEqual(Posix.lstatInfo(fx.source + "/projects/demo/fifo").map { $0.st_mode & S_IFMT }, S_IFIFO)
    }

    func testOnlyUserXattrsCanBeSet() throws {
        let fx = try makeRefusalFixture()
        let (a, host) = (fx.mountpoint + "/projects/demo/a.txt", Array((fx.source + "/projects/demo/a.txt").utf8))
        assertErrno(0, "setxattr user.note") { Xattr.set(a, "user.note", "kept") }
        XCTAssertEqual(EscapeSyscalls.get(host, "user.note").escapeValue, Array("kept".utf8))
        for name in ["security.evil", "trusted.evil"] {
            assertErrno(EPERM, "setxattr \(name)") { Xattr.set(a, name, "x") }
            XCTAssertEqual(EscapeSyscalls.get(host, name).escapeValue, nil, "\(name) landed on the host")
        }
        assertWriteDenied(fx, ["projects/demo/a.txt"], errno: "EPERM")
        assertErrno(0, "removexattr user.note") { Xattr.remove(a, "user.note") }
        XCTAssertEqual(EscapeSyscalls.get(host, "user.note").escapeValue, nil, "user.note is still on the host")
    }

    // MARK: - Symlinks

    func testSymlinksMustStayInsideTheViewAndNameNoHiddenPath() throws {
        let fx = try makeRefusalFixture()
        let (d, host) = (fx.mountpoint + "/projects/demo", fx.source + "/projects/demo")
        let refused = ["/etc/passwd", "/tmp", "../../..", "../../../outside", "sub/../../../../x", "../../.ssh/id_ed25519",
                       "../../.ssh/nothing-there", ".env", "sub/.env", "../../notes/diary.md", "../../private/token.txt"]
        for (i, target) in refused.enumerated() {
            assertErrno(EACCES, "symlink -> \(target)") { symlink(target, d + "/bad\(i)") }
            assertWriteDenied(fx, ["projects/demo/bad\(i)"], errno: "EACCES")
            assertAbsent(host + "/bad\(i)")
        }
        // Relative targets that stay inside, existing or not: visible at once.
        for (name, target) in [("later", "not-yet/file.txt"), ("up-and-back", "../demo/a.txt"), ("docs-link", "../../docs/readme.md")] {
            assertErrno(0, "symlink -> \(target)") { symlink(target, d + "/" + name) }
            XCTAssertEqual(Posix.readLink(d + "/" + name), .success(target), "readlink through the view")
            XCTAssertEqual(Posix.readLink(host + "/" + name), .success(target), "the link on the host")
        }
        assertListing(d, ["a.txt", "cfg", "docs-link", "empty", "later", "sub", "up-and-back"])
        XCTAssertEqual(Posix.statError(d + "/later"), ENOENT, "the dangling link resolves before its target exists")
        XCTAssertEqual(mkdir(d + "/not-yet", 0o755), 0)
        try Data("arrived\n".utf8).write(to: URL(fileURLWithPath: d + "/not-yet/file.txt"))
        XCTAssertEqual(Posix.readFile(d + "/later"), .success(Array("arrived\n".utf8)), "the link, once its target exists")
        XCTAssertEqual(Posix.readFile(d + "/up-and-back"), .success(Array("alpha\n".utf8)))
        let lines = AgentAuditLog.wait(for: fx.log) { $0.event == "symlink" && $0.path == "projects/demo/later" }
        XCTAssertEqual(lines?.last { $0.event == "symlink" && $0.path == "projects/demo/later" }?.target, "not-yet/file.txt")
    }

    static func mode(_ path: String) -> UInt32? {
        Posix.lstatInfo(path).map { $0.st_mode & 0o7777 }
    }
}

private extension Int32 {
    /// A descriptor closed, as 0; a failure as -1.
    var closing: Int32 {
        guard self >= 0 else { return -1 }
        close(self)
        return 0
    }
}

extension TreeSnapshot {
    /// The nodes for which `keep` holds, by path.
    struct Filtered: Equatable {
        let nodes: [String: Node]
    }

    func filtered(_ keep: (Node) -> Bool) -> Filtered {
        Filtered(nodes: nodes.filter { keep($0.value) })
    }
}
