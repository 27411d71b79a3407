import Foundation
import Glibc
import XCTest

/// Nothing is lost on a clean stop. Four readers each open, read to the end
/// and close 500 distinct files; the moment the last one finishes the view
/// is stopped (SIGTERM, `gatefs unmount`, `fusermount3 -u`). The kernel sends
/// RELEASE asynchronously after close(2), so some handles are typically
/// still open in the daemon at that moment: each must still get its close.
final class AuditShutdownTests: MountTestCase {
    static let readers = 4
    static let filesPerReader = 500

    func testSIGTERMTheMomentReadersFinishLosesNothing() throws {
        let fx = try makeFixture()
        let files = try Self.buildLoad(fx)
        let daemon = try fx.mountForeground(["--allow", "load/**"])
        try Self.readAll(fx, files)
        XCTAssertEqual(kill(daemon, SIGTERM), 0)

        XCTAssertEqual(fx.wait(daemon, timeout: 60), .exited(0), "gatefs mount --foreground after SIGTERM")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "still mounted after SIGTERM")
        try assertCompleteSession(fx, files)
    }

    func testGatefsUnmountTheMomentReadersFinishLosesNothing() throws {
        let fx = try makeFixture()
        let files = try Self.buildLoad(fx)
        try fx.mountLive(["--allow", "load/**"])
        let daemon = try fx.daemonPID()
        try Self.readAll(fx, files)
        let unmount = try fx.unmount()

        XCTAssertEqual(unmount.exitCode, 0, "\(unmount)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "still mounted after gatefs unmount")
        XCTAssertTrue(ProcFS.waitUntilGone(daemon, timeout: 10), "daemon \(daemon) outlived gatefs unmount")
        try assertCompleteSession(fx, files)
    }

    func testFusermountUTheMomentReadersFinishLosesNothing() throws {
        let fx = try makeFixture()
        let files = try Self.buildLoad(fx)
        try fx.mountLive(["--allow", "load/**"])
        let daemon = try fx.daemonPID()
        try Self.readAll(fx, files)
        let fusermount = try fx.run(["/usr/bin/fusermount3", "-u", fx.mountpoint])

        XCTAssertEqual(fusermount.exitCode, 0, "\(fusermount)")
        XCTAssertTrue(ProcFS.waitUntilGone(daemon, timeout: 30), "daemon \(daemon) still running after fusermount3 -u")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "still mounted after fusermount3 -u")
        try assertCompleteSession(fx, files)
    }

    // MARK: - The load

    struct LoadFile: Sendable {
        let path: String
        let size: Int
    }

    /// 4 × 500 files under load/rK/, sizes from 1 B to ~24 KiB plus one in
    /// fifty of ~200 KiB (several reads each), every size distinct per reader.
    static func buildLoad(_ fx: MountFixture) throws -> [[LoadFile]] {
        var random = PseudoRandomBytes(seed: 0x5EED)
        let pool = random.bytes(256 * 1024)
        var out: [[LoadFile]] = []
        try pool.withUnsafeBytes { raw in
            for k in 0..<readers {
                var mine: [LoadFile] = []
                for i in 0..<filesPerReader {
                    let n = k * filesPerReader + i
                    let size = n % 50 == 0 ? 200_000 + n : 1 + (n &* 7919) % 24_000
                    let start = (n &* 131) % (pool.count - size)
                    let file = LoadFile(path: "load/r\(k)/f\(i).bin", size: size)
                    try fx.tree.file(file.path, contents: UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)]))
                    mine.append(file)
                }
                out.append(mine)
            }
        }
        return out
    }

    /// One thread per reader; each opens, reads to EOF and closes its files
    /// in turn. Returns once all four are done.
    static func readAll(_ fx: MountFixture, _ files: [[LoadFile]]) throws {
        let errors = SharedProblems()
        let done = DispatchSemaphore(value: 0)
        let view = fx.mountpoint
        for mine in files {
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 128 * 1024)
                for file in mine {
                    let fd = open(view + "/" + file.path, O_RDONLY | O_CLOEXEC)
                    guard fd >= 0 else {
                        let e = errno
                        errors.append("open \(file.path): \(Posix.name(e))")
                        continue
                    }
                    var total = 0
                    while true {
                        let n = read(fd, &buffer, buffer.count)
                        if n < 0 && errno == EINTR { continue }
                        if n <= 0 {
                            if n < 0 { let e = errno; errors.append("read \(file.path): \(Posix.name(e))") }
                            break
                        }
                        total += n
                    }
                    close(fd)
                    if total != file.size {
                        errors.append("\(file.path): read \(total) bytes, size \(file.size)")
                    }
                }
                done.signal()
            }
            thread.start()
        }
        for _ in files {
            guard done.wait(timeout: .now() + 120) == .success else {
                throw MountFixture.Failure(description: "a reader did not finish in 120 s")
            }
        }
        let problems = errors.all
        guard problems.isEmpty else {
            throw MountFixture.Failure(description: "readers failed:\n" + problems.prefix(10).joined(separator: "\n"))
        }
    }

    // MARK: - The log after the stop

    /// Exactly one open and one close per handle, the reads of each handle
    /// adding up to its close, every file read once and whole, `unmount`
    /// last, and `gatefs log verify` OK.
    private func assertCompleteSession(_ fx: MountFixture, _ files: [[LoadFile]], file: StaticString = #filePath, line: UInt = #line) throws {
        let log = AuditTestLog(fx.log)
        assertNoProblems(log.shapeProblems(), "log shape", file: file, line: line)
        XCTAssertEqual(log.lines.prefix(2).map(\.event), ["header", "mount"], "first lines", file: file, line: line)
        XCTAssertEqual(log.lines.last?.event, "unmount", "last line: \(log.lines.last.map(String.init(describing:)) ?? "none")", file: file, line: line)
        XCTAssertEqual(log.lines.last?.mountpoint, fx.mountpoint, file: file, line: line)
        XCTAssertEqual(log.lines.filter { $0.event == "unmount" }.count, 1, "unmount lines", file: file, line: line)
        XCTAssertEqual(log.lines.filter { $0.event == "open" && $0.result != "ok" }.count, 0, "failed opens", file: file, line: line)

        let ledger = AuditHandleLedger(log.lines)
        assertNoProblems(ledger.problems(), "handle accounting", file: file, line: line)
        let all = files.flatMap { $0 }
        XCTAssertEqual(ledger.handles.count, all.count, "handles in the log vs files opened", file: file, line: line)
        let opens = ledger.opensByPath
        let bytes = ledger.bytesByPath
        var mismatches: [String] = []
        for f in all where opens[f.path] != 1 || bytes[f.path] != UInt64(f.size) {
            mismatches.append("\(f.path): \(opens[f.path] ?? 0) opens, \(bytes[f.path] ?? 0) bytes closed, size \(f.size)")
        }
        assertNoProblems(mismatches, "files whose log does not add up", file: file, line: line)

        let verify = try fx.gatefs(["log", "verify", fx.log])
        XCTAssertEqual(verify.exitCode, 0, "\(verify)", file: file, line: line)
        XCTAssertTrue(verify.stdout.hasPrefix("OK: \(log.lines.count) lines"), "\(verify)", file: file, line: line)
    }
}
