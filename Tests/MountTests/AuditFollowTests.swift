import Foundation
import GateAuditReader
import Glibc
import XCTest

/// `gatefs log -f`, its stdout a pipe, prints lines as a live mount writes
/// them and keeps going across rotations, with nothing skipped or repeated.
final class AuditFollowTests: MountTestCase {
    func testFollowPicksUpNewLinesAndSurvivesRotation() throws {
        let fx = try makeFixture()
        for i in 0..<60 {
            try fx.tree.file("projects/demo/f\(i).txt", "file \(i)\n")
        }
        let config = try fx.writeConfig("[log]\nrotate_bytes = 4096\nkeep = 3\n")
        try fx.mountLive(["--config", config, "--allow", "projects/**"])

        let follower = try PipedCommand([fx.binary, "log", "-f", "--json", fx.log], environment: fx.environment,
                                        stderrPath: fx.directory + "/follower.err")
        addTeardownBlock { follower.stop() }
        XCTAssertTrue(follower.waitForLines(timeout: 10) { $0.contains { AuditRecord.parse($0)?.event == "mount" } },
                      "the follower never printed the mount line:\n\(follower.outputLines)\n\(follower.stderr)")

        // Use the view until the log has rotated twice; after every second
        // cat, wait for the follower to print its close line.
        var used = 0
        while used < 60 && (used < 6 || access(fx.log + ".2", F_OK) != 0) {
            let path = "projects/demo/f\(used).txt"
            XCTAssertEqual(try fx.runChild(["/bin/cat", fx.mountpoint + "/" + path]).end, .exited(0))
            used += 1
            if used % 2 == 0 {
                guard waitForClose(follower, path) else { return }
            }
        }
        guard waitForClose(follower, "projects/demo/f\(used - 1).txt") else { return }
        XCTAssertEqual(access(fx.log + ".2", F_OK), 0, "the log never rotated twice in \(used) cats")
        XCTAssertTrue(follower.isRunning, "the follower ended:\n\(follower.stderr)")
        let end = follower.stop(SIGKILL)
        XCTAssertEqual(end, .signalled(SIGKILL), "the follower must still be following: \(end)\n\(follower.stderr)")

        // What is on disk now: the current file and up to `keep` rotated ones.
        let files: [String] = ["3", "2", "1"].map { "\(fx.log).\($0)" }.filter { access($0, F_OK) == 0 } + [fx.log]
        XCTAssertEqual(access(fx.log + ".4", F_OK), -1, "keep = 3, but \(fx.log).4 exists")
        var onDisk: [UInt64: String] = [:]
        for file in files {
            let log = AuditTestLog(file)
            assertNoProblems(log.shapeProblems(firstSeq: log.lines.first?.seq ?? 1), "shape of \(file)")
            if file != fx.log {
                XCTAssertLessThanOrEqual((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0, 4096, "\(file) grew past rotate_bytes")
            }
            for line in log.lines { onDisk[line.seq] = line.description }
        }
        guard let firstOfCurrent = AuditTestLog(fx.log).lines.first?.seq else { return XCTFail("the current log is empty") }

        // Every line the follower printed: 1, 2, 3 … with none skipped or
        // repeated, identical to the line on disk where that still exists.
        let printed = follower.outputLines
        let parsed = printed.compactMap(AuditRecord.parse)
        XCTAssertEqual(parsed.count, printed.count, "the follower printed lines that are not records")
        let seqs = parsed.map(\.seq)
        XCTAssertEqual(seqs, Array(1...UInt64(max(1, seqs.count))), "seq of the followed lines (gaps or repeats)")
        for line in parsed {
            if let disk = onDisk[line.seq], disk != line.description {
                XCTFail("followed line \(line.seq) differs from the file:\n\(line)\n\(disk)")
            }
        }
        XCTAssertTrue(seqs.contains(1), "nothing from before the first rotation was printed")
        XCTAssertTrue(seqs.contains(firstOfCurrent), "nothing from after the last rotation was printed (current file starts at seq \(firstOfCurrent))")
        XCTAssertGreaterThanOrEqual(seqs.last ?? 0, firstOfCurrent, "the follower stopped before the current file")

        // The chain holds across the rotated files.
        let verify = try fx.gatefs(["log", "verify", fx.log])
        XCTAssertEqual(verify.exitCode, 0, "\(verify)")
    }

    private func waitForClose(_ follower: PipedCommand, _ path: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let printed = follower.waitForLines(timeout: 10) { lines in
            lines.contains { l in AuditRecord.parse(l).map { $0.event == "close" && $0.path == path } ?? false }
        }
        if !printed {
            XCTFail("the follower did not print the close of \(path):\n\(follower.stderr)\n\(follower.outputLines.suffix(5))", file: file, line: line)
        }
        return printed
    }
}
