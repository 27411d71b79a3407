import Foundation
import GateAuditReader
import Glibc
import XCTest

/// Finding 10 on logs that real mounts wrote: `gatefs log verify` catches
/// a cut head (with `--strict`), an edited first line, a non-JSON line whose
/// chain was recomputed, and a deleted `FILE.1`; and rotation's deletions
/// are written into the log.
final class AuditVerifyStrictTests: MountTestCase {
    func testVerifyCatchesACutHeadAnEditedFirstLineAndANonJSONLineOfARealLog() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        try fx.mountLive(["--allow", "**"])
        for path in ["notes.txt", ".ssh/config", "notes.txt"] {
            _ = try fx.runChild(["/bin/cat", fx.mountpoint + "/" + path])
        }
        XCTAssertEqual(try fx.unmount().exitCode, 0)
        let log = AuditTestLog(fx.log)
        assertNoProblems(log.shapeProblems(), "log shape")
        let raw = log.rawLines
        XCTAssertGreaterThan(raw.count, 6, "\(raw)")
        XCTAssertEqual(log.lines.first?.start, true, "the first line must be the header that starts the chain: \(raw.first ?? "")")

        var edited = raw
        edited[0] = edited[0].replacingOccurrences(of: "\"format\":2", with: "\"format\":3")
        XCTAssertNotEqual(edited[0], raw[0])
        var garbage = raw
        let last = raw.count - 1
        garbage[last] = try Self.chained(body: "{this is not json,\"seq\":\(log.lines[last].seq)", previous: log.lines[last - 1].hash)

        let cases: [(name: String, lines: [String], code: Int32, strictCode: Int32, says: String)] = [
            ("intact", raw, 0, 0, "OK: \(raw.count) lines in 1 file"),
            ("cut-head", Array(raw.dropFirst(3)), 0, 1, "the chain's start is missing: the chain starts at seq 4"),
            ("edited-first", edited, 1, 1, ":1: hash does not match"),
            ("non-json", garbage, 1, 1, ":\(raw.count): not a valid audit record"),
        ]
        let copies = TreeBuilder(root: fx.directory + "/copies")
        for c in cases {
            try copies.file(c.name + ".jsonl", c.lines.map { $0 + "\n" }.joined())
            let path = copies.path(c.name + ".jsonl")
            let plain = try fx.gatefs(["log", "verify", path])
            let strict = try fx.gatefs(["log", "verify", "--strict", path])
            XCTAssertEqual(plain.exitCode, c.code, "\(c.name):\n\(plain)")
            XCTAssertEqual(strict.exitCode, c.strictCode, "\(c.name) --strict:\n\(strict)")
            XCTAssertTrue(plain.stdout.contains(c.says), "\(c.name): expected '\(c.says)':\n\(plain)")
        }
        // The recomputed chain holds, and `gatefs log` calls the line unreadable, as verify does.
        let shown = try fx.gatefs(["log", copies.path("non-json.jsonl")])
        XCTAssertTrue(shown.stdout.contains("unreadable line"), "\(shown)")
    }

    func testVerifyFailsWhenFile1IsDeletedAndOlderFilesRemain() throws {
        let fx = try makeFixture()
        for i in 0..<40 { try fx.tree.file("projects/demo/f\(i).txt", "file \(i)\n") }
        let config = try fx.writeConfig("[log]\nrotate_bytes = 4096\nkeep = 5\n")
        try fx.mountLive(["--config", config, "--allow", "projects/**"])
        var used = 0
        while used < 40 && access(fx.log + ".2", F_OK) != 0 {
            XCTAssertEqual(try fx.runChild(["/bin/cat", fx.mountpoint + "/projects/demo/f\(used).txt"]).end, .exited(0))
            used += 1
            usleep(20_000)
        }
        XCTAssertEqual(try fx.unmount().exitCode, 0)
        XCTAssertEqual(access(fx.log + ".2", F_OK), 0, "the log never rotated twice")
        XCTAssertNotEqual(access(fx.log + ".5", F_OK), 0, "nothing may have been rotated away yet")

        let intact = try fx.gatefs(["log", "verify", "--strict", fx.log])
        XCTAssertEqual(intact.exitCode, 0, "\(intact)")
        for file in [fx.log, fx.log + ".1", fx.log + ".2"] {
            XCTAssertEqual(AuditTestLog(file).lines.first?.event, "header", "\(file) must start with a header")
        }

        XCTAssertEqual(unlink(fx.log + ".1"), 0)
        for arguments in [["log", "verify", fx.log], ["log", "verify", "--strict", fx.log]] {
            let verify = try fx.gatefs(arguments)
            XCTAssertEqual(verify.exitCode, 1, "\(arguments):\n\(verify)")
            XCTAssertTrue(verify.stdout.hasPrefix("BROKEN: \(fx.log).1 is missing"), "\(arguments):\n\(verify)")
        }
    }

    func testRotationWritesALineForEveryFileItDeletes() throws {
        let fx = try makeFixture()
        for i in 0..<60 { try fx.tree.file("projects/demo/f\(i).txt", "file \(i)\n") }
        let config = try fx.writeConfig("[log]\nrotate_bytes = 4096\nkeep = 1\n")
        try fx.mountLive(["--config", config, "--allow", "projects/**"])
        func rotateLines() -> [AuditRecord] {
            (AuditTestLog(fx.log + ".1").lines + AuditTestLog(fx.log).lines).filter { $0.event == "rotate" }
        }
        var used = 0
        while used < 60 && rotateLines().isEmpty {
            XCTAssertEqual(try fx.runChild(["/bin/cat", fx.mountpoint + "/projects/demo/f\(used).txt"]).end, .exited(0))
            used += 1
            usleep(20_000)
        }
        XCTAssertEqual(try fx.unmount().exitCode, 0)
        let rotates = rotateLines()
        XCTAssertFalse(rotates.isEmpty, "no rotate line after \(used) cats")
        for line in rotates {
            XCTAssertEqual(line.file, fx.log + ".1", "\(line)")
            XCTAssertNotNil(line.lastSeq, "\(line)")
            XCTAssertEqual(line.lastHash?.count, 64, "\(line)")
        }
        // The oldest file left continues from the last line of the one deleted before it.
        guard let oldest = AuditTestLog(fx.log + ".1").lines.first else { return XCTFail("no \(fx.log).1") }
        XCTAssertEqual(oldest.event, "header")
        XCTAssertEqual(oldest.start, false)
        let accounting = rotates.first { $0.lastHash == oldest.previousHash }
        XCTAssertNotNil(accounting, "no rotate line names the hash \(fx.log).1 continues from: \(rotates.map(\.description))")
        XCTAssertEqual(accounting?.lastSeq, oldest.seq - 1)

        let plain = try fx.gatefs(["log", "verify", fx.log])
        XCTAssertEqual(plain.exitCode, 0, "\(plain)")
        XCTAssertTrue(plain.stdout.contains("rotated away (the rotate line with seq \(accounting?.seq ?? 0)"), "\(plain)")
        let strict = try fx.gatefs(["log", "verify", "--strict", fx.log])
        XCTAssertEqual(strict.exitCode, 1, "\(strict)")
        XCTAssertTrue(strict.stdout.hasPrefix("INCOMPLETE: "), "\(strict)")
    }

    /// `{BODY,"hash":"H"}` with H = sha256(previous || BODY), by coreutils:
    /// what anyone who can write the file can do, since the chain has no key.
    static func chained(body: String, previous: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((previous + body).utf8))
        input.fileHandleForWriting.closeFile()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return body + ",\"hash\":\"" + String(decoding: data.prefix(64), as: UTF8.self) + "\"}"
    }
}
