import Foundation
import GateAuditReader
import Glibc
import XCTest

/// kill -9 of the daemon while an agent writes through a grant (issue 12):
/// nothing outside the grant was touched, and the log that survived tells
/// the truth about what was written: every create and write line it holds
/// is on disk, they name the files in the order they were made, and the
/// last lines are writes, not something else.
final class WriteCrashTests: MountTestCase {
    /// Makes f-0.txt, f-1.txt, ... each holding "line N", until a write fails.
    static let writer = #"cd "$0" || exit 2; i=0; while [ $i -lt 1000000 ]; do printf 'line %s\n' $i > f-$i.txt || exit 3; i=$((i+1)); done"#

    func testKill9WhileWritingTouchesNothingOutsideTheGrantAndTheLogShowsTheWrites() throws {
        let fx = try makeFixture()
        try fx.tree.directory("projects/demo/out")
        try fx.tree.file("projects/other/keep.txt", "keep\n")
        try fx.tree.file(".ssh/id_ed25519", "key\n")
        try fx.tree.file("notes/diary.txt", "diary\n")
        let before = try TreeSnapshot(of: fx.source).filtered { _ in true }.without(prefix: WriteGrant.project)
        try fx.mountLive(WriteGrant.flags + ["--allow", "projects/other"])
        let daemon = try fx.daemonPID()

        let writer = try fx.spawn(["/bin/sh", "-c", Self.writer, fx.mountpoint + "/projects/demo/out"])
        guard AgentAuditLog.wait(for: fx.log, timeout: 30, { $0.event == "write" && $0.path == "projects/demo/out/f-200.txt" }) != nil else {
            return XCTFail("the writer's writes never reached the log: \(AgentAuditLog.load(fx.log).suffix(5))")
        }
        XCTAssertNil(fx.poll(writer), "the writer must still be writing when the daemon is killed")
        XCTAssertEqual(kill(daemon, SIGKILL), 0)
        XCTAssertTrue(ProcFS.waitUntilGone(daemon, timeout: 10), "daemon \(daemon) survived SIGKILL")
        XCTAssertEqual(fx.wait(writer, timeout: 30), .exited(3), "the writer must stop on a failed write")
        let unmount = try fx.run(["/usr/bin/fusermount3", "-u", fx.mountpoint], timeout: 30)
        XCTAssertEqual(unmount.exitCode, 0, "fusermount3 -u of the dead view:\n\(unmount)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint))

        XCTAssertEqual(try TreeSnapshot(of: fx.source).filtered { _ in true }.without(prefix: WriteGrant.project), before,
                       "something outside the grant changed")
        assertListing(fx.source + "/projects/demo", ["out"])
        let onDisk = try DirectoryListing.names(fx.source + "/projects/demo/out")
        XCTAssertEqual(Set(onDisk), Set((0..<onDisk.count).map { "f-\($0).txt" }), "the files on disk are not f-0 … f-\(onDisk.count - 1)")

        let lines = AgentAuditLog.load(fx.log)
        let changes = lines.filter { $0.path.hasPrefix("projects/demo/out/") }
        let created = changes.filter { $0.event == "create" }.map(\.path)
        XCTAssertEqual(created, (0..<created.count).map { "projects/demo/out/f-\($0).txt" }, "the create lines are not f-0 … in order")
        XCTAssertGreaterThan(created.count, 200)
        XCTAssertLessThanOrEqual(created.count, onDisk.count, "the log has creates of files that are not on disk")
        for line in changes where line.event == "write" {
            let number = line.path.dropFirst("projects/demo/out/f-".count).dropLast(".txt".count)
            let expected = Array("line \(number)\n".utf8)
            XCTAssertEqual(line.offset, 0, "\(line)")
            XCTAssertEqual(line.bytes, UInt64(expected.count), "\(line)")
            XCTAssertEqual(Posix.readFile(fx.source + "/" + line.path), .success(expected), "a logged write is not on disk: \(line)")
        }
        let tail = lines.suffix(6).map(\.event)
        XCTAssertTrue(Set(tail).isSubset(of: ["create", "write", "close"]), "the last lines before the crash: \(lines.suffix(6))")
        XCTAssertTrue(tail.contains("write"), "no write among the last lines: \(lines.suffix(6))")
        let verify = try fx.gatefs(["log", "verify", fx.log])
        XCTAssertEqual(verify.exitCode, 0, "verify after kill -9:\n\(verify)")
    }
}
