import Foundation
import Glibc
import XCTest

/// `gatefs mount --foreground` unmounts and exits 0 on SIGTERM and SIGINT,
/// even when started with both ignored (as `nohup`, scripts and some
/// process managers do): a daemon that kept the inherited SIG_IGN would
/// never unmount.
final class ForegroundSignalTests: MountTestCase {
    func testSIGTERMUnmountsAndExitsZero() throws {
        try assertSignalStopsForegroundMount(SIGTERM)
    }

    func testSIGINTUnmountsAndExitsZero() throws {
        try assertSignalStopsForegroundMount(SIGINT)
    }

    /// The harness itself: the sh wrapper really execs its command with both signals ignored.
    func testWrapperStartsTheCommandWithTERMAndINTIgnored() throws {
        let fx = try makeFixture()
        let pid = try fx.spawn(["/bin/sh", "-c", Self.ignoreBoth, "sh", "/bin/sleep", "30"])
        defer {
            kill(pid, SIGKILL)
            _ = fx.wait(pid, timeout: 10)
        }
        let deadline = Date().addingTimeInterval(10)
        while ProcFS.commandLine(pid).first != "/bin/sleep" && Date() < deadline { usleep(5_000) }
        let ignored = ProcFS.ignoredSignals(pid) ?? 0
        XCTAssertNotEqual(ignored & (1 << (SIGTERM - 1)), 0, "SigIgn \(String(ignored, radix: 16))")
        XCTAssertNotEqual(ignored & (1 << (SIGINT - 1)), 0, "SigIgn \(String(ignored, radix: 16))")
    }

    /// Ignores TERM and INT, then execs "$@" in the same process.
    static let ignoreBoth = "trap '' TERM INT; exec \"$@\""

    private func assertSignalStopsForegroundMount(_ signal: Int32, file: StaticString = #filePath, line: UInt = #line) throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        fx.register(mountpoint: fx.mountpoint)
        // sh sets both signals to SIG_IGN, then execs gatefs in the same process.
        let pid = try fx.spawn([
            "/bin/sh", "-c", Self.ignoreBoth, "sh",
            fx.binary, "mount", "--foreground", "--source", fx.source, "--allow", "**", "--log", fx.log, fx.mountpoint,
        ])
        try waitUntilLive(fx, pid: pid)
        XCTAssertEqual(ProcFS.commandLine(pid).first, fx.binary, "the shell did not exec gatefs", file: file, line: line)
        assertListing(fx.mountpoint, ["projects"], file: file, line: line)

        XCTAssertEqual(kill(pid, signal), 0)
        let end = fx.wait(pid, timeout: 30)
        XCTAssertEqual(end, .exited(0), "gatefs mount --foreground after signal \(signal)", file: file, line: line)
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "still mounted after signal \(signal)", file: file, line: line)
        XCTAssertNil(try fx.statusEntry(), "status still lists the view", file: file, line: line)
    }

    /// Polls until the view is in the mount table and answers, or the process died.
    private func waitUntilLive(_ fx: MountFixture, pid: pid_t) throws {
        let deadline = Date().addingTimeInterval(30)
        while true {
            if KernelMounts.mount(at: fx.mountpoint)?.fsType == "fuse.gatefs",
               (try? DirectoryListing.names(fx.mountpoint)) == ["projects"] {
                return
            }
            if let end = fx.poll(pid) {
                throw MountFixture.Failure(description: "gatefs mount --foreground ended (\(end)) before the view was live")
            }
            guard Date() < deadline else { throw MountFixture.Failure(description: "the foreground view never became live") }
            usleep(20_000)
        }
    }
}
