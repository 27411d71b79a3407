import Foundation
import XCTest

/// Help and version output: exit 0 and the names a user looks for.
final class HelpTests: MountTestCase {
    func testHelpAndVersion() throws {
        let fx = try makeFixture()
        let checks: [(args: [String], mentions: [String])] = [
            (["--help"], ["USAGE", "gatefs", "mount", "unmount", "status"]),
            (["help"], ["mount", "unmount", "status"]),
            (["mount", "--help"], ["MOUNTPOINT", "--config", "--source", "--allow", "--deny", "--log", "--inode-numbers", "--allow-other", "--foreground"]),
            (["run", "--help"], ["COMMAND", "--allow", "--inode-numbers", "source|private"]),
            (["unmount", "--help"], ["MOUNTPOINT", "--lazy"]),
            (["status", "--help"], ["--json"]),
        ]
        for check in checks {
            let result = try fx.gatefs(check.args)
            XCTAssertEqual(result.exitCode, 0, "\(result)")
            for word in check.mentions {
                XCTAssertTrue(result.stdout.contains(word), "gatefs \(check.args.joined(separator: " ")) does not mention \(word):\n\(result)")
            }
        }
        let mountHelp = try fx.gatefs(["mount", "--help"])
        XCTAssertFalse(mountHelp.stdout.contains("ready-fd"), "an internal flag shows in mount --help:\n\(mountHelp)")

        let version = try fx.gatefs(["--version"])
        XCTAssertEqual(version.exitCode, 0, "\(version)")
        XCTAssertNotNil(
            version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).range(of: #"^[0-9]+\.[0-9]+\.[0-9]+"#, options: .regularExpression),
            "--version should print a semantic version:\n\(version)")
    }
}
