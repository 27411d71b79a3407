import Foundation
import Glibc
import XCTest

/// Bad input exits 2, says where the problem is, and mounts nothing.
final class BadInputTests: MountTestCase {
    func testConfigErrorsExit2AndNameFileLineColumn() throws {
        let fx = try makeFixture()
        try fx.tree.file("a.txt", "a\n")
        // Each case: config text, and the FILE:LINE:COL the message must name (the
        // offending token: the second '=', the key, the value, the 'z' of the backwards range).
        let cases: [(name: String, text: String, place: String)] = [
            ("unparsable", "# gatefs\ndeny = [\"ok\"]\noops = = 3\n", ":3:8: "),
            ("unknown-key", "deny = [\"ok\"]\n\n[log]\npathh = \"/tmp/x.jsonl\"\n", ":4:1: "),
            ("wrong-type", "# comment\ndeny = \"not-a-list\"\n", ":2:8: "),
            ("bad-pattern", "deny = [\n  \"ok\",\n  \"a/[z-a]\",\n]\n", ":3:7: "),
            ("bad-inode-numbers", "# gatefs\ninode_numbers = \"shared\"\n", ":2:17: "),
        ]
        for c in cases {
            let config = fx.directory + "/\(c.name).toml"
            try c.text.write(toFile: config, atomically: false, encoding: .utf8)
            let result = try fx.mount(["--config", config, "--allow", "**"])
            assertRejected(result, fx, c.name)
            XCTAssertTrue(result.stderr.contains(config + c.place), "\(c.name): stderr must name \(config)\(c.place)...:\n\(result)")
            XCTAssertNotNil(
                result.stderr.range(of: NSRegularExpression.escapedPattern(for: config) + ":[0-9]+:[0-9]+: ", options: .regularExpression),
                "\(c.name): stderr must name FILE:LINE:COL:\n\(result)")
        }
    }

    func testBadFlagsAndPathsExit2() throws {
        let fx = try makeFixture()
        try fx.tree.file("a.txt", "a\n")
        let notEmpty = fx.directory + "/not-empty"
        try TreeBuilder(root: notEmpty).file("occupied.txt", "x\n")
        let aFile = fx.directory + "/a-file"
        try "x\n".write(toFile: aFile, atomically: false, encoding: .utf8)

        let cases: [(name: String, args: [String], mountpoint: String, mention: String)] = [
            ("bad --allow pattern", ["--allow", "a/**b"], fx.mountpoint, "a/**b"),
            ("bad --allow class", ["--allow", "[z-a]"], fx.mountpoint, "[z-a]"),
            ("bad --deny pattern", ["--allow", "**", "--deny", "x/../y"], fx.mountpoint, "x/../y"),
            ("bad --inode-numbers", ["--allow", "**", "--inode-numbers", "shared"], fx.mountpoint,
             "--inode-numbers must be 'source' or 'private', not 'shared'"),
            ("missing source", ["--allow", "**", "--source", fx.directory + "/no-such-dir"], fx.mountpoint, "no-such-dir"),
            ("source is a file", ["--allow", "**", "--source", aFile], fx.mountpoint, "a-file"),
            ("mountpoint not empty", ["--allow", "**"], notEmpty, "not-empty"),
            ("mountpoint missing", ["--allow", "**"], fx.directory + "/no-such-mountpoint", "no-such-mountpoint"),
            ("mountpoint is a file", ["--allow", "**"], aFile, "a-file"),
        ]
        for c in cases {
            let result = try fx.mount(c.args, at: c.mountpoint)
            assertRejected(result, fx, c.name)
            XCTAssertTrue(result.stderr.contains(c.mention), "\(c.name): stderr should mention \(c.mention):\n\(result)")
        }
        assertListing(notEmpty, ["occupied.txt"])
        XCTAssertEqual(Posix.readFile(aFile), .success(Array("x\n".utf8)))
        XCTAssertEqual(Posix.lstatError(fx.directory + "/no-such-mountpoint"), ENOENT, "a missing mountpoint must not be created")
    }

    /// A live view is not an empty directory: mounting on it again is bad
    /// input, and the first mount keeps serving.
    func testMountOnALiveViewExits2AndKeepsTheFirstMount() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.mountLive(["--allow", "projects/demo"])
        let pid = try fx.daemonPID()
        let again = try fx.mount(["--allow", "**"])
        XCTAssertEqual(again.exitCode, 2, "\(again)")
        XCTAssertEqual(KernelMounts.all().filter { $0.mountpoint == fx.mountpoint }.count, 1, "mounts stacked on \(fx.mountpoint)")
        XCTAssertEqual(try fx.daemonPID(), pid)
        assertListing(fx.mountpoint, ["projects"])
    }

    private func assertRejected(_ result: ProcessResult, _ fx: MountFixture, _ name: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.exitCode, 2, "\(name): exit status:\n\(result)", file: file, line: line)
        XCTAssertFalse(result.stderr.isEmpty, "\(name): no message", file: file, line: line)
        XCTAssertEqual(KernelMounts.mounts(under: fx.directory).map(\.mountpoint), [], "\(name): something was mounted",
                       file: file, line: line)
        XCTAssertEqual((try? fx.status())?.filter { $0.mountpoint.hasPrefix(fx.directory + "/") }.count, 0,
                       "\(name): status lists a mount", file: file, line: line)
    }
}
