import Foundation
import Glibc
import XCTest

/// A walk of a 100,000-file tree sees every file, and the daemon stays
/// within bounded descriptors and memory, walk after walk.
final class LargeTreeTests: MountTestCase {
    static let directories = 1_000
    static let filesPerDirectory = 100
    /// Descriptors: the directory-fd cache is bounded (2,048 by default), far below this.
    static let maxOpenDescriptors = 4_000
    /// Resident memory after a full walk: one node record per name the
    /// kernel still holds (~100k here) must fit well inside this.
    static let maxResidentKiB = 256 * 1024

    func testWalkOf100kFilesIsCompleteAndBounded() throws {
        let fx = try makeFixture()
        try makeTree(fx.tree, "projects/big")
        try fx.tree.file(".ssh/id_ed25519", "key\n")
        try fx.mountLive(["--allow", "projects"])
        let pid = try fx.daemonPID()

        let expected = LargeTreeTests.directories * LargeTreeTests.filesPerDirectory
        XCTAssertEqual(try countFiles(fx), expected, "first walk")
        let fds1 = ProcFS.openDescriptorCount(pid) ?? -1
        let rss1 = ProcFS.residentKiB(pid) ?? -1
        XCTAssertGreaterThan(fds1, 0)
        XCTAssertLessThan(fds1, LargeTreeTests.maxOpenDescriptors, "daemon open descriptors after the first walk")
        XCTAssertGreaterThan(rss1, 0)
        XCTAssertLessThan(rss1, LargeTreeTests.maxResidentKiB, "daemon VmRSS (KiB) after the first walk")

        XCTAssertEqual(try countFiles(fx), expected, "second walk")
        let fds2 = ProcFS.openDescriptorCount(pid) ?? -1
        let rss2 = ProcFS.residentKiB(pid) ?? -1
        XCTAssertLessThan(fds2, LargeTreeTests.maxOpenDescriptors, "daemon open descriptors after the second walk")
        XCTAssertLessThanOrEqual(Double(rss2), Double(rss1) * 1.5, "VmRSS grew from \(rss1) KiB to \(rss2) KiB over a repeat walk")
        print("LargeTreeTests: daemon fds \(fds1) -> \(fds2), VmRSS \(rss1) KiB -> \(rss2) KiB")
    }

    /// `find VIEW -type f`, one dot per file.
    private func countFiles(_ fx: MountFixture) throws -> Int {
        let result = try fx.run(["/usr/bin/find", fx.mountpoint, "-type", "f", "-printf", "."], timeout: 240)
        guard result.exitCode == 0, result.stderr.isEmpty else { throw MountFixture.Failure(description: "\(result)") }
        return result.stdout.utf8.count
    }

    /// 1,000 directories of 100 one-byte files, created with *at calls on a
    /// directory descriptor (a few seconds).
    private func makeTree(_ tree: TreeBuilder, _ relative: String) throws {
        try tree.directory(relative)
        let root = tree.path(relative)
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw TreeBuilder.Failure(description: "open \(root): \(Posix.name(errno))") }
        defer { close(rootFD) }
        var byte: UInt8 = 0x61
        for d in 0..<LargeTreeTests.directories {
            let dirName = String(format: "d%04d", d)
            guard mkdirat(rootFD, dirName, 0o755) == 0 else {
                throw TreeBuilder.Failure(description: "mkdir \(dirName): \(Posix.name(errno))")
            }
            let dirFD = openat(rootFD, dirName, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard dirFD >= 0 else { throw TreeBuilder.Failure(description: "open \(dirName): \(Posix.name(errno))") }
            defer { close(dirFD) }
            for f in 0..<LargeTreeTests.filesPerDirectory {
                let fd = openat(dirFD, "f\(f).txt", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw TreeBuilder.Failure(description: "create \(dirName)/f\(f): \(Posix.name(errno))") }
                defer { close(fd) }
                guard write(fd, &byte, 1) == 1 else {
                    throw TreeBuilder.Failure(description: "write \(dirName)/f\(f): \(Posix.name(errno))")
                }
            }
        }
    }
}
