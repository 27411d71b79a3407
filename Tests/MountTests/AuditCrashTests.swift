import Foundation
import Glibc
import XCTest

/// kill -9 of the daemon in the middle of a read. What is on disk stays
/// valid JSON Lines and a valid chain up to the last batch written (the
/// lost tail is not detectable from the chain alone, as the README says:
/// `verify` exits 0 and names the last seq and hash, which is where the
/// chain ends). After `gatefs unmount` recovers the stale mount, a new
/// mount on the same log continues the same chain.
final class AuditCrashTests: MountTestCase {
    static let bigFile = "projects/demo/big.bin"
    static let bigSize = 16 * 1024 * 1024

    func testKill9WhileReadingLeavesAValidChainThatTheNextMountContinues() throws {
        let fx = try makeFixture()
        try fx.sizedFile(Self.bigFile, Self.bigSize)
        try fx.tree.file("projects/demo/after.txt", "after the crash\n")
        try fx.mountLive(["--allow", "projects/**"])
        let daemon = try fx.daemonPID()

        // cat the file over and over until the view goes away.
        let reader = try fx.spawn(["/bin/sh", "-c", "while /bin/cat \"$0\"; do :; done > /dev/null", fx.mountpoint + "/" + Self.bigFile])
        guard AuditTestLog.wait(fx.log, timeout: 20, until: { $0.filter { $0.event == "read" }.count >= 40 }) != nil else {
            return XCTFail("the reader's reads never reached the log")
        }
        XCTAssertNil(fx.poll(reader), "the reader must still be reading when the daemon is killed")
        XCTAssertEqual(kill(daemon, SIGKILL), 0)
        XCTAssertTrue(ProcFS.waitUntilGone(daemon, timeout: 10), "daemon \(daemon) survived SIGKILL")
        XCTAssertNotEqual(fx.wait(reader, timeout: 20), .timedOut, "the reader hung on the dead view")

        // The file as the crash left it.
        let crashed = AuditTestLog(fx.log)
        let crashedBytes = FileManager.default.contents(atPath: fx.log) ?? Data()
        // A write(2) cut by SIGKILL may leave an unterminated last line; the
        // README allows that until the next start, which must then recover it.
        assertNoProblems(crashed.shapeProblems(allowTail: true), "log after kill -9")
        XCTAssertTrue(crashed.tail.isEmpty, "kill -9 left a torn line (\(crashed.tail.count) bytes); the next mount must recover it")
        XCTAssertEqual(crashed.lines.prefix(2).map(\.event), ["header", "mount"])
        XCTAssertNotEqual(crashed.lines.last?.event, "unmount", "a killed daemon cannot have written unmount")
        XCTAssertGreaterThanOrEqual(crashed.lines.filter { $0.event == "read" }.count, 40)
        guard let lastBeforeCrash = crashed.lines.last else { return XCTFail("empty log after the crash") }

        // verify: OK, and says where the chain ends (the last complete line).
        let verify = try fx.gatefs(["log", "verify", fx.log])
        XCTAssertEqual(verify.exitCode, 0, "verify after kill -9:\n\(verify)")
        XCTAssertTrue(verify.stdout.hasPrefix("OK: \(crashed.lines.count) lines in 1 file, seq 1…\(lastBeforeCrash.seq), last hash \(lastBeforeCrash.hash)"),
                      "verify must name the last seq and hash:\n\(verify)")
        if !crashed.tail.isEmpty {
            XCTAssertTrue(verify.stdout.contains("incomplete last line"), "verify must note the torn tail:\n\(verify)")
        }

        // Recover the stale mount, mount again on the same log, use it, unmount.
        let recover = try fx.unmount()
        XCTAssertEqual(recover.exitCode, 0, "gatefs unmount of the stale view:\n\(recover)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint))
        try fx.mountLive(["--allow", "projects/**"])
        let cat = try fx.runChild(["/bin/cat", fx.mountpoint + "/projects/demo/after.txt"])
        XCTAssertEqual(cat.end, .exited(0))
        let unmount = try fx.unmount()
        XCTAssertEqual(unmount.exitCode, 0, "\(unmount)")

        let log = AuditTestLog(fx.log)
        assertNoProblems(log.shapeProblems(), "log across both sessions")
        let old = Array(crashed.rawLines)
        XCTAssertEqual(Array(log.rawLines.prefix(old.count)), old, "the second session rewrote the first session's lines")
        if crashed.tail.isEmpty {
            XCTAssertEqual((FileManager.default.contents(atPath: fx.log) ?? Data()).prefix(crashedBytes.count), crashedBytes,
                           "the first session's bytes changed")
        }
        let second = Array(log.lines.dropFirst(old.count))
        XCTAssertEqual(second.first?.seq, lastBeforeCrash.seq + 1, "the new session's first line continues the seq")
        let expectedEvents = crashed.tail.isEmpty ? ["mount"] : ["recover", "mount"]
        XCTAssertEqual(second.prefix(expectedEvents.count).map(\.event), expectedEvents, "the new session starts with: \(second.prefix(2))")
        if !crashed.tail.isEmpty, let recoverLine = second.first {
            XCTAssertEqual(recoverLine.tornBytes, UInt64(crashed.tail.count), "recover line: \(recoverLine)")
        }
        XCTAssertTrue(second.contains { $0.event == "open" && $0.path == "projects/demo/after.txt" && $0.process == "cat" },
                      "the second session's cat: \(second)")
        XCTAssertEqual(log.lines.last?.event, "unmount")

        let verifyAll = try fx.gatefs(["log", "verify", fx.log])
        XCTAssertEqual(verifyAll.exitCode, 0, "verify across both sessions:\n\(verifyAll)")
        XCTAssertTrue(verifyAll.stdout.hasPrefix("OK: \(log.lines.count) lines in 1 file, seq 1…\(log.lines.last?.seq ?? 0)"), "\(verifyAll)")
    }
}
