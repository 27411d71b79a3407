import Glibc
import Testing
@testable import Gate

/// open, read, release, access, the xattrs and statfs of shown nodes.
@Suite struct FileTests {
    @Test func readsServeTheSourceBytes() throws {
        let t = try SourceTree()
        let big = String((0..<20_000).map { Character(UnicodeScalar(UInt8(32 + $0 % 90))) })
        try t.file("projects/demo/big.txt", big)
        try t.file("projects/demo/empty.txt", "")
        try t.file("projects/demo/README.md", "readme\n")
        let h = try GateHarness(t)
        #expect(try h.contents("projects/demo/big.txt") == Array(big.utf8))
        #expect(try h.contents("projects/demo/empty.txt") == [])
        #expect(try h.contents("projects/demo/README.md") == Array("readme\n".utf8))

        let fh = try h.open(try h.node("projects/demo/big.txt")).get()
        #expect(try h.read(fh, offset: 19_990, size: 100).get() == Array(big.utf8.suffix(10)), "a read past the end is short")
        #expect(try h.read(fh, offset: 30_000, size: 10).get() == [])
        h.release(fh)
        #expect(h.read(fh).errno == EBADF, "released")
    }

    /// Two handles of one file: the second bypasses the page cache, so each
    /// handle's reads reach the gate (and its close line counts them).
    @Test func concurrentHandlesOfOneFileBypassTheCache() throws {
        let t = try SourceTree()
        try t.file("a.txt", "a\n")
        let h = try GateHarness(t)
        let ino = try h.node("a.txt")
        let first = try h.gate.open(ino, flags: OpenFlags(mode: .read), caller: h.caller)
        let second = try h.gate.open(ino, flags: OpenFlags(mode: .read), caller: h.caller)
        #expect(!first.directIO)
        #expect(second.directIO)
        #expect(first.handle != second.handle)
        h.release(first.handle)
        h.release(second.handle)
    }

    @Test(arguments: [
        ("O_WRONLY", O_WRONLY), ("O_RDWR", O_RDWR), ("O_TRUNC", O_RDONLY | O_TRUNC),
        ("O_APPEND", O_RDONLY | O_APPEND), ("O_CREAT", O_RDONLY | O_CREAT), ("O_WRONLY|O_APPEND", O_WRONLY | O_APPEND),
    ])
    func opensForWritingAreReadOnly(_ name: String, _ flags: Int32) throws {
        let t = try SourceTree()
        try t.file("a.txt", "a\n")
        let h = try GateHarness(t)
        #expect(h.open(try h.node("a.txt"), flags: flags).errno == EROFS, "open \(name)")
        #expect(try h.contents("a.txt") == Array("a\n".utf8), "the file is untouched")
    }

    @Test func accessRefusesWriting() throws {
        let t = try SourceTree()
        try t.file("a.txt", "a\n")
        let h = try GateHarness(t)
        for ino in [try h.node("a.txt"), InodeNumber.root] {
            #expect(h.access(ino, W_OK).errno == EROFS)
            #expect(h.access(ino, R_OK | W_OK).errno == EROFS)
            #expect(h.access(ino, R_OK).errno == 0)
            #expect(h.access(ino, F_OK).errno == 0)
        }
        #expect(h.access(InodeNumber(9_999), R_OK).errno == ENOENT)
    }

    /// Only regular files open: a directory is opened with opendir, and a
    /// symlink is followed by the kernel through readlink.
    @Test func onlyRegularFilesOpen() throws {
        let t = try SourceTree()
        try t.file("a.txt", "a\n")
        try t.symlink("link", to: "a.txt")
        let h = try GateHarness(t)
        #expect(h.open(.root).errno == EACCES)
        #expect(h.open(try h.node("link")).errno == EACCES)
        #expect(h.open(InodeNumber(9_999)).errno == ENOENT)
    }

    @Test func xattrsOfShownNodes() throws {
        let t = try SourceTree()
        try t.file("a.txt", "a\n")
        try t.symlink("link", to: "a.txt")
        let h = try GateHarness(t)
        let hasXattr = Xattrs.set(t.path("a.txt"), "user.gatetest", "value")
        try #require(hasXattr == 0, "the temporary filesystem takes user xattrs (errno \(errno))")
        let ino = try h.node("a.txt")
        #expect(try h.getxattr(ino, "user.gatetest", size: 0).get().count == 5, "size probe")
        #expect(try h.getxattr(ino, "user.gatetest", size: 64).get() == Array("value".utf8))
        #expect(h.getxattr(ino, "user.missing", size: 64).errno == ENODATA)
        #expect(h.getxattr(ino, "user.gatetest", size: 2).errno == ERANGE)
        #expect(try h.listxattr(ino).get().split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.contains("user.gatetest"))
        #expect(h.listxattr(.root).errno == 0)
        #expect(h.getxattr(try h.node("link"), "user.gatetest", size: 64).errno == ENODATA, "a symlink has none")
    }

    /// The view reports free space, never usage (used blocks would count
    /// hidden content), rounded to whole GiB and 65,536 inodes.
    @Test func statfsShowsOnlyRoundedFreeSpace() throws {
        let t = try SourceTree()
        let h = try GateHarness(t)
        // The host's free space before and after: other writers may move it meanwhile.
        var before = statvfs(), after = statvfs()
        #expect(statvfs(t.source, &before) == 0)
        let s = try h.statfs().get()
        #expect(statvfs(t.source, &after) == 0)
        #expect(s.blocks == s.blocksFree && s.blocksFree == s.blocksAvailable)
        #expect(s.files == s.filesFree && s.filesFree == s.filesAvailable)
        #expect(s.blocks * s.unit % (1 << 30) == 0)
        #expect(s.files % 65_536 == 0)
        #expect(s.fsid == 0)
        #expect(s.blocks <= UInt64(max(before.f_bavail, after.f_bavail)))
    }
}

/// setxattr, looked up with dlsym: Swift's Glibc module has no <sys/xattr.h>.
enum Xattrs {
    private typealias SetFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32

    static func set(_ path: String, _ name: String, _ value: String) -> Int32 {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setxattr") else { return -1 }
        let fn = unsafeBitCast(p, to: SetFn.self)
        return value.withCString { v in fn(path, name, v, strlen(v), 0) }
    }
}
