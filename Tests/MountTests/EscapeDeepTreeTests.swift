import Foundation
import Glibc
import XCTest

/// Finding 9: a deep tree must not crash the daemon. The daemon keeps at
/// most 2,048 directory descriptors and re-opens an evicted one from its
/// parent by name; re-opening one at depth 16,000 whose ancestors were all
/// evicted must not recurse once per level (today: SIGSEGV, exit 139).
final class EscapeDeepTreeTests: EscapeTestCase {
    static let (depth, siblings) = (16_000, 2_300)

    func testFinding9DeepChainWithEvictedAncestorsDoesNotCrashTheDaemon() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/probe.txt", "probe\n")
        var started = Date()
        try Self.buildChain(fx.source + "/projects/demo/chain", depth: Self.depth)
        try fx.tree.directory("projects/demo/wide")
        for i in 0..<Self.siblings {
            XCTAssertEqual(mkdir(fx.source + "/projects/demo/wide/" + String(format: "s%04d", i), 0o755), 0)
        }
        print(String(format: "built %d levels and %d siblings in %.1f s", Self.depth, Self.siblings, Date().timeIntervalSince(started)))
        try fx.mountLive(["--allow", "projects/demo"])
        let pid = try fx.daemonPID()
        let view = fx.mountpoint + "/projects/demo"

        // Down the chain through the view, one level at a time, keeping only the current descriptor.
        started = Date()
        var fd = open(view + "/chain", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0, "open chain: \(Posix.name(errno))")
        defer { if fd >= 0 { close(fd) } }
        var reached = 0
        while reached < Self.depth && fd >= 0 {
            let next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard next >= 0 else {
                XCTFail("openat d at depth \(reached + 1) through the view: \(Posix.name(errno))")
                break
            }
            close(fd)
            fd = next
            reached += 1
        }
        print(String(format: "walked %d levels through the view in %.1f s", reached, Date().timeIntervalSince(started)))
        XCTAssertEqual(reached, Self.depth)

        // More directories than the daemon's descriptor cache holds (2,048): every ancestor is evicted.
        started = Date()
        var failedSiblings = 0
        for i in 0..<Self.siblings {
            let s = open(view + "/wide/" + String(format: "s%04d", i), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if s >= 0 { close(s) } else { failedSiblings += 1 }
        }
        print(String(format: "opened %d siblings in %.1f s", Self.siblings, Date().timeIntervalSince(started)))
        XCTAssertEqual(failedSiblings, 0, "sibling directories that could not be opened")

        var st = stat()
        let rc = fd >= 0 ? fstatat(fd, "x", &st, AT_SYMLINK_NOFOLLOW) : -1
        let e = rc == 0 ? 0 : errno
        print("fstatat(bottom, x): \(Posix.name(e))")
        XCTAssertFalse([ENOTCONN, ECONNABORTED, EIO].contains(e), "fstatat at the bottom: \(Posix.name(e)) (the daemon is gone?)")
        XCTAssertTrue(ProcFS.isRunning(pid), "the daemon \(pid) exited (crashed) when the bottom of the chain was re-opened")
        XCTAssertEqual(Posix.statError(fx.mountpoint), 0, "the mount no longer answers a stat of its root")
        // statfs always reaches the daemon (a stat may be answered from cached attributes).
        var vfs = statvfs()
        XCTAssertEqual(statvfs(fx.mountpoint, &vfs) == 0 ? 0 : errno, 0, "the mount no longer answers statfs")
        assertDaemonHealthy(fx, pid: pid, probe: "projects/demo/probe.txt", expected: Array("probe\n".utf8), rssLimitKiB: 1024 * 1024)
    }

    /// `ROOT/d/d/…/d/x`, `depth` levels of `d`, made relative to a
    /// descriptor (the path is far past PATH_MAX).
    private static func buildChain(_ root: String, depth: Int) throws {
        try TreeBuilder(root: root).directory("")
        var fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw MountFixture.Failure(description: "open \(root): \(Posix.name(errno))") }
        for level in 0..<depth {
            guard mkdirat(fd, "d", 0o755) == 0 else {
                close(fd)
                throw MountFixture.Failure(description: "mkdirat at level \(level): \(Posix.name(errno))")
            }
            let next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            close(fd)
            guard next >= 0 else { throw MountFixture.Failure(description: "openat at level \(level): \(Posix.name(errno))") }
            fd = next
        }
        defer { close(fd) }
        let x = openat(fd, "x", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard x >= 0 else { throw MountFixture.Failure(description: "create x at the bottom: \(Posix.name(errno))") }
        _ = write(x, "bottom\n", 7)
        close(x)
    }
}
