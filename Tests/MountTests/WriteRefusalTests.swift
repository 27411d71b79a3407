import Foundation
import Glibc
import XCTest

/// Every way of changing the source through the view fails, with the errno
/// a read-only filesystem gives, and leaves the source byte-identical.
final class WriteRefusalTests: MountTestCase {
    func testEveryWriteFailsWithEROFSAndTheSourceIsUntouched() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "alpha\n")
        try fx.tree.file("projects/demo/dir/b.txt", "beta\n")
        try fx.tree.directory("projects/demo/emptydir")
        try fx.tree.file(".ssh/id_ed25519", "secret\n")
        let outside = fx.directory + "/outside.txt"
        try "outside\n".write(toFile: outside, atomically: false, encoding: .utf8)
        try fx.mountLive(["--allow", "**"])
        let before = try TreeSnapshot(of: fx.source)
        let d = fx.mountpoint + "/projects/demo"
        let a = d + "/a.txt"

        // Opening for writing, truncating, creating.
        assertErrno(EROFS, "open O_WRONLY", closingResult: true) { open(a, O_WRONLY) }
        assertErrno(EROFS, "open O_RDWR", closingResult: true) { open(a, O_RDWR) }
        assertErrno(EROFS, "open O_WRONLY|O_APPEND", closingResult: true) { open(a, O_WRONLY | O_APPEND) }
        assertErrno(EROFS, "open O_RDONLY|O_TRUNC", closingResult: true) { open(a, O_RDONLY | O_TRUNC) }
        assertErrno(EROFS, "open O_CREAT new file", closingResult: true) { open(d + "/new.txt", O_WRONLY | O_CREAT, 0o644) }
        assertErrno(EROFS, "open O_CREAT|O_EXCL new file", closingResult: true) {
            open(d + "/new2.txt", O_RDONLY | O_CREAT | O_EXCL, 0o644)
        }
        assertErrno(EROFS, "creat new file", closingResult: true) { creat(d + "/new3.txt", 0o644) }
        assertErrno(EROFS, "creat existing file", closingResult: true) { creat(a, 0o644) }
        // A hidden name must look like a free name (EROFS), never like a taken one (EEXIST).
        assertErrno(EROFS, "mkdir over the hidden .ssh") { mkdir(fx.mountpoint + "/.ssh", 0o755) }

        // Namespace changes.
        assertErrno(EROFS, "mkdir") { mkdir(d + "/newdir", 0o755) }
        assertErrno(EROFS, "mkfifo") { mkfifo(d + "/fifo", 0o644) }
        assertErrno(EROFS, "unlink") { unlink(a) }
        assertErrno(EROFS, "rmdir") { rmdir(d + "/emptydir") }
        assertErrno(EROFS, "rename inside the view") { rename(a, d + "/renamed.txt") }
        assertErrno(EROFS, "rename a directory inside the view") { rename(d + "/dir", d + "/dir2") }
        // Across mounts the kernel answers EXDEV before it asks the filesystem;
        // either way nothing may move.
        assertErrno([EXDEV, EROFS], "rename into the view") { rename(outside, d + "/moved-in.txt") }
        assertErrno([EXDEV, EROFS], "rename out of the view") { rename(a, fx.directory + "/moved-out.txt") }
        assertErrno(EROFS, "link inside the view") { link(a, d + "/hardlink.txt") }
        assertErrno(EROFS, "link into the view") { link(outside, d + "/linked-in.txt") }
        assertErrno(EROFS, "symlink") { symlink("a.txt", d + "/symlink") }

        // Metadata.
        assertErrno(EROFS, "chmod") { chmod(a, 0o600) }
        assertErrno(EROFS, "chmod directory") { chmod(d, 0o700) }
        assertErrno(EROFS, "chown") { chown(a, 1234, 1234) }
        assertErrno(EROFS, "lchown") { lchown(a, 1234, 1234) }
        assertErrno(EROFS, "utimes") { utimes(a, nil) }
        assertErrno(EROFS, "utimensat") { utimensat(AT_FDCWD, a, nil, 0) }
        assertErrno(EROFS, "truncate") { truncate(a, 0) }
        assertErrno(EROFS, "truncate to grow") { truncate(a, 1 << 20) }
        assertErrno(EROFS, "setxattr") { Xattr.set(a, "user.gatefs", "x") }
        assertErrno(EROFS, "removexattr") { Xattr.remove(a, "user.gatefs") }

        // Through a descriptor opened for reading.
        let fd = open(a, O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0, "open O_RDONLY must work: \(Posix.name(errno))")
        if fd >= 0 {
            defer { close(fd) }
            // posix_fallocate returns the error. The kernel refuses a descriptor
            // not open for writing (EBADF) before it asks the filesystem.
            let rc = posix_fallocate(fd, 0, 1 << 20)
            XCTAssertTrue([EROFS, EBADF].contains(rc), "posix_fallocate: got \(Posix.name(rc))")
            assertErrno(EBADF, "write on an O_RDONLY descriptor") { Int32(write(fd, "x", 1)) }
            assertErrno(EROFS, "fchmod") { fchmod(fd, 0o600) }
            assertErrno(EROFS, "fchown") { fchown(fd, 1234, 1234) }
            assertErrno(EROFS, "futimens") { futimens(fd, nil) }
            assertErrno(EROFS, "fsetxattr") { Xattr.set(fd: fd, "user.gatefs", "x") }
        }

        let after = try TreeSnapshot(of: fx.source)
        XCTAssertEqual(after.differences(from: before), [], "the source changed")
        XCTAssertEqual(Posix.readFile(outside), .success(Array("outside\n".utf8)), "the outside file changed")
    }
}
