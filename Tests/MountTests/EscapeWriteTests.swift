import Foundation
import Glibc
import XCTest

/// Class 9: writes. WriteRefusalTests covers each write syscall on visible
/// names (open for writing, O_TRUNC, creat, mkdir, mkfifo, unlink, rmdir,
/// rename in and out, link, symlink, chmod, chown, utimes, truncate,
/// setxattr, removexattr, fallocate, the f* calls). This adds what an agent
/// tries next: the same calls on hidden names (which must answer as for a
/// name that does not exist, never EEXIST or EACCES), renameat2 flags,
/// O_TMPFILE, mknod of a device, binding a socket, re-opening a read
/// descriptor for writing through /proc, writable shared mappings,
/// copy_file_range, calls through visible symlinks, and the usual tools.
/// The source, hidden files and xattrs included, stays byte-identical.
final class EscapeWriteTests: EscapeTestCase {
    func testEveryWriteOnHiddenNamesAndEveryOtherWayInFails() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "alpha\n")
        try fx.tree.file("projects/demo/b.txt", "beta\n")
        try fx.tree.directory("projects/demo/dir")
        try fx.tree.symlink("projects/demo/link", to: "a.txt")
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, "projects/demo/.env")
        XCTAssertEqual(Xattr.set(fx.source + "/projects/demo/a.txt", "user.note", "before"), 0)
        try fx.mountLive(["--allow", "**"])
        let before = try TreeSnapshot(of: fx.source)
        let d = fx.mountpoint + "/projects/demo"
        let (a, env, ssh) = (d + "/a.txt", d + "/.env", fx.mountpoint + "/.ssh")

        // A hidden name behaves exactly like a name that does not exist:
        // creating over it is EROFS (never EEXIST), the rest what a free name gets.
        let freeFile = d + "/no-such-file", freeDir = fx.mountpoint + "/no-such-dir"
        func fail(_ e: Int32) -> Int32 {
            errno = e
            return e == 0 ? 0 : -1
        }
        let calls: [(String, (String) -> Int32)] = [
            ("open O_WRONLY|O_CREAT", { open($0, O_WRONLY | O_CREAT, 0o644) }),
            ("open O_RDWR|O_CREAT|O_EXCL", { open($0, O_RDWR | O_CREAT | O_EXCL, 0o600) }),
            ("creat", { creat($0, 0o644) }),
            ("mkdir", { mkdir($0, 0o700) }),
            ("symlink named so", { symlink("a.txt", $0) }),
            ("link onto", { link(a, $0) }),
            ("mknod", { mknod($0, S_IFREG | 0o644, 0) }),
            ("rename onto", { rename(a, $0) }),
            ("renameat2 NOREPLACE onto", { fail(EscapeSyscalls.rename2(a, $0, flags: EscapeSyscalls.renameNoReplace)) }),
            ("renameat2 EXCHANGE with", { fail(EscapeSyscalls.rename2(a, $0, flags: EscapeSyscalls.renameExchange)) }),
            ("bind a socket named so", { fail(Self.bindSocket($0)) }),
            ("open O_RDONLY", { open($0, O_RDONLY) }),
            ("open O_WRONLY", { open($0, O_WRONLY) }),
            ("open O_RDWR|O_TRUNC", { open($0, O_RDWR | O_TRUNC) }),
            ("unlink", { unlink($0) }),
            ("rmdir", { rmdir($0) }),
            ("chmod", { chmod($0, 0o777) }),
            ("chown", { chown($0, 1000, 1000) }),
            ("utimes", { utimes($0, nil) }),
            ("truncate", { truncate($0, 0) }),
            ("setxattr", { Xattr.set($0, "user.x", "y") }),
            ("removexattr", { Xattr.remove($0, "user.x") }),
            ("rename away", { rename($0, d + "/moved") }),
            ("link from", { link($0, d + "/linked") }),
        ]
        for (label, call) in calls {
            for (hidden, free) in [(env, freeFile), (ssh, freeDir), (ssh + "/id_ed25519", freeDir + "/x")] {
                let h = Posix.failure(closingResult: true) { call(hidden) }
                let f = Posix.failure(closingResult: true) { call(free) }
                XCTAssertNotEqual(h, 0, "\(label) \(hidden) succeeded")
                XCTAssertEqual(Posix.name(h), Posix.name(f), "\(label): a hidden name answers unlike a free one (\(hidden))")
            }
        }
        assertDenyLogged(fx, path: "projects/demo/.env", rule: "secret:env", op: "lookup")
        assertDenyLogged(fx, path: ".ssh", rule: "secret:ssh", op: "lookup")

        // Other ways in, on visible names.
        XCTAssertEqual(EscapeSyscalls.rename2(a, d + "/b.txt", flags: EscapeSyscalls.renameExchange), EROFS, "renameat2 EXCHANGE")
        XCTAssertEqual(EscapeSyscalls.rename2(a, d + "/c.txt", flags: EscapeSyscalls.renameWhiteout), EROFS, "renameat2 WHITEOUT")
        assertErrno([EROFS, EOPNOTSUPP, EISDIR], "O_TMPFILE", closingResult: true) { open(d + "/dir", O_RDWR | Self.oTmpfile, 0o600) }
        assertErrno(EROFS, "mknod a char device") { mknod(d + "/zero", S_IFCHR | 0o666, (1 << 8) | 5) }
        XCTAssertEqual(Self.bindSocket(d + "/new.sock"), EROFS, "bind a new socket")
        assertErrno(EROFS, "open O_RDWR|O_CREAT|O_TRUNC existing", closingResult: true) { open(a, O_RDWR | O_CREAT | O_TRUNC, 0o644) }
        assertErrno(EROFS, "chmod through a visible link") { chmod(d + "/link", 0o600) }
        assertErrno(EROFS, "truncate through a visible link") { truncate(d + "/link", 0) }
        assertErrno(EROFS, "lchown of the link itself") { lchown(d + "/link", 1000, 1000) }
        assertErrno(EROFS, "utimensat AT_SYMLINK_NOFOLLOW") { utimensat(AT_FDCWD, d + "/link", nil, AT_SYMLINK_NOFOLLOW) }
        assertErrno(EROFS, "open O_WRONLY through a visible link", closingResult: true) { open(d + "/link", O_WRONLY) }
        let dirfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(dirfd, 0)
        assertErrno(EROFS, "fchmodat via a directory descriptor") { fchmodat(dirfd, "a.txt", 0o600, 0) }
        assertErrno(EROFS, "unlinkat via a directory descriptor") { unlinkat(dirfd, "a.txt", 0) }
        assertErrno(EROFS, "mkdirat via a directory descriptor") { mkdirat(dirfd, "new", 0o755) }
        close(dirfd)

        let fd = open(a, O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0)
        if fd >= 0 {
            defer { close(fd) }
            // The magic link re-opens the view's file, which is read-only.
            assertErrno(EROFS, "re-open /proc/self/fd for writing", closingResult: true) { open("/proc/self/fd/\(fd)", O_WRONLY) }
            assertErrno([EINVAL, EBADF], "ftruncate on a read descriptor") { ftruncate(fd, 0) }
            let map = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
            XCTAssertEqual(map, MAP_FAILED, "a writable shared mapping of a view file")
            if map != MAP_FAILED { munmap(map, 4096) }
            let outside = open(fx.directory + "/outside.txt", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            XCTAssertEqual(write(outside, "zzzz", 4), 4)
            let copied = EscapeSyscalls.copyFileRange(from: outside, to: fd, count: 4)
            XCTAssertEqual(copied, -1, "copy_file_range into a view file")
            close(outside)
        }
        // The tools an agent reaches for.
        for argv in [["/usr/bin/touch", a], ["/usr/bin/cp", "/etc/hostname", d + "/copied"],
                     ["/usr/bin/sed", "-i", "s/alpha/omega/", a], ["/usr/bin/chattr", "+i", a],
                     ["/usr/bin/touch", env], ["/bin/rm", "-rf", d + "/dir"]] {
            let r = try fx.run(argv, timeout: 20)
            XCTAssertNotEqual(r.exitCode, 0, "\(argv.joined(separator: " ")) succeeded through the view")
        }

        let after = try TreeSnapshot(of: fx.source)
        XCTAssertEqual(after.differences(from: before), [], "the source changed")
        XCTAssertEqual(EscapeSyscalls.get(Array((fx.source + "/projects/demo/a.txt").utf8), "user.note").escapeValue, Array("before".utf8))
        let flags = try fx.run(["/usr/bin/lsattr", "-d", fx.source + "/projects/demo/a.txt"])
        XCTAssertFalse(flags.stdout.split(separator: " ").first?.contains("i") ?? true, "chattr through the view: \(flags)")
        sweep(fx, hidden: [".ssh", "projects/demo/.env"])
    }

    /// O_TMPFILE (`__O_TMPFILE | O_DIRECTORY`), a macro Swift cannot import.
    static let oTmpfile: Int32 = 0o20000000 | O_DIRECTORY

    /// bind(2) of a unix socket at `path`: 0 or the errno.
    static func bindSocket(_ path: String) -> Int32 {
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(s) }
        var addr = EscapeSpecialFileTests.address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc == 0 ? 0 : errno
    }
}
