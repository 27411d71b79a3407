import Foundation
import Glibc
import XCTest

/// What the kernel may cache, and what makes it ask again. A file changed
/// on the host reads in full at its next open, however recently the view
/// reported its old size; a large listing is served from the kernel's cache
/// only while its directory is unchanged, and each listing is still logged.
final class KernelCacheTests: MountTestCase {
    /// The kernel caches a file's size with its attributes (1 s). A file
    /// that grew on the host since must not be cut at the old size when it
    /// is opened again: the open has the kernel drop those attributes.
    func testAFileGrownOnTheHostReadsInFullAtItsNextOpen() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/log.txt", "first\n")
        try fx.mountLive(["--allow", "projects/**"])
        let view = fx.mountpoint + "/projects/log.txt"
        for round in 1...5 {
            let before = try String(contentsOfFile: view, encoding: .utf8)
            XCTAssertEqual(Posix.lstatInfo(view).map { Int($0.st_size) }, before.utf8.count)
            let line = "line \(round) appended on the host\n"
            let fd = open(fx.source + "/projects/log.txt", O_WRONLY | O_APPEND | O_CLOEXEC)
            XCTAssertGreaterThanOrEqual(fd, 0)
            XCTAssertEqual(line.withCString { write(fd, $0, strlen($0)) }, line.utf8.count)
            close(fd)
            // Well inside the attribute timeout: only the open's check can tell.
            let after = try String(contentsOfFile: view, encoding: .utf8)
            XCTAssertEqual(after, before + line, "round \(round): the view cut the grown file at its old size")
        }
    }

    /// A large listing read again with the directory unchanged comes from
    /// the kernel's cache, and the log still has a `readdir` line for it.
    /// An entry added or removed on the host shows at the next listing, and
    /// hidden names stay out of every listing, cached or not.
    func testALargeListingIsCachedOnlyWhileItsDirectoryIsUnchanged() throws {
        let fx = try makeFixture()
        let count = 1500
        for i in 0..<count { try fx.tree.file("projects/flat/f\(i).txt", "\(i)\n") }
        for i in 0..<20 { try fx.tree.file("projects/flat/.env.\(i)", "SECRET=\(i)\n") }
        try fx.mountLive(["--allow", "projects/**"])
        let dir = fx.mountpoint + "/projects/flat"
        func listing() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        }
        let expected = Set((0..<count).map { "f\($0).txt" })
        XCTAssertEqual(try listing(), expected)
        XCTAssertEqual(try listing(), expected, "second listing (from the kernel's cache)")
        XCTAssertEqual(try listing(), expected, "third listing")

        try fx.tree.file("projects/flat/new.txt", "new\n")
        XCTAssertEqual(try listing(), expected.union(["new.txt"]), "a file added on the host is missing")
        try fx.tree.file("projects/flat/.env.new", "SECRET=new\n")
        XCTAssertEqual(try listing(), expected.union(["new.txt"]), "a hidden name added on the host shows")
        XCTAssertEqual(unlink(fx.source + "/projects/flat/f7.txt"), 0)
        XCTAssertEqual(try listing(), expected.union(["new.txt"]).subtracting(["f7.txt"]), "a removed file still shows")
        XCTAssertEqual(try listing(), expected.union(["new.txt"]).subtracting(["f7.txt"]), "repeat after the removal")

        guard let log = AuditTestLog.wait(fx.log, until: {
            $0.filter { $0.event == "readdir" && $0.path == "projects/flat" }.count >= 7
        }) else {
            let lines = AuditTestLog(fx.log).lines.filter { $0.event == "readdir" }
            return XCTFail("expected one readdir line per listing (7), got \(lines.count): \(lines)")
        }
        let readdirs = log.lines.filter { $0.event == "readdir" && $0.path == "projects/flat" }
        XCTAssertEqual(readdirs.count, 7, "one readdir line per listing")
    }

    /// When the kernel forgets nodes (here: `drop_caches`), their slots in
    /// the inode table go to the next nodes looked up. A reused id must not
    /// carry anything over: the large directory's cached listing, a file's
    /// stamp, or its attributes. Walking another subtree first makes the
    /// freed ids go to other files before the first subtree is seen again.
    func testNodeIdsReusedAfterTheKernelForgetsCarryNothingOver() throws {
        let fx = try makeFixture()
        for i in 0..<1100 { try fx.tree.file("projects/flat/f\(i).txt", "\(i)\n") }
        for i in 0..<5 { try fx.tree.file("projects/flat/.env.\(i)", "SECRET=\(i)\n") }
        for d in 0..<20 { for i in 0..<60 { try fx.tree.file("projects/other/d\(d)/g\(i).txt", "other \(d) \(i)\n") } }
        try fx.mountLive(["--allow", "projects/**", "--inode-numbers", "private"])
        let flat = fx.mountpoint + "/projects/flat"
        let expected = Set((0..<1100).map { "f\($0).txt" })
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: flat)), expected)
        var before: [String: UInt64] = [:]
        for name in expected { before[name] = Posix.lstatInfo(flat + "/" + name).map { UInt64($0.st_ino) } }

        // The kernel forgets every unused node; then other files take the freed ids.
        try "2\n".write(toFile: "/proc/sys/vm/drop_caches", atomically: false, encoding: .utf8)
        let others = try fx.find(fx.mountpoint + "/projects/other")
        XCTAssertEqual(others.filter { $0.hasSuffix(".txt") }.count, 1200)

        // Changed on the host meanwhile: the listing must not come from a stale cache.
        try fx.tree.file("projects/flat/late.txt", "late\n")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: flat)), expected.union(["late.txt"]))
        var reused = 0
        for name in expected.union(["late.txt"]) {
            let path = "projects/flat/" + name
            guard let view = Posix.lstatInfo(fx.mountpoint + "/" + path), let src = Posix.lstatInfo(fx.source + "/" + path) else {
                return XCTFail("lstat \(path) failed")
            }
            XCTAssertEqual(view.st_size, src.st_size, path)
            XCTAssertEqual(timespec.Fields(view.st_mtim), timespec.Fields(src.st_mtim), path)
            XCTAssertEqual(try String(contentsOfFile: fx.mountpoint + "/" + path, encoding: .utf8),
                           try String(contentsOfFile: fx.source + "/" + path, encoding: .utf8), path)
            if let old = before[name], old != UInt64(view.st_ino) { reused += 1 }
        }
        XCTAssertGreaterThan(reused, 0, "no node id changed: the kernel forgot nothing, so this test proved nothing")
        for i in 0..<5 {
            XCTAssertEqual(Posix.statError(flat + "/.env.\(i)"), ENOENT, ".env.\(i) after the ids were reused")
        }
    }
}
