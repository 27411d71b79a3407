import Foundation
import Glibc
import XCTest

/// With no --config, gatefs reads $XDG_CONFIG_HOME/gatefs/config.toml, and
/// command-line --allow adds to the file's allow list.
final class ConfigLookupTests: MountTestCase {
    func testXDGConfigIsUsedAndAllowFlagsAddToIt() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.file("projects/other/b.txt", "b\n")
        try fx.tree.file("music/c.flac", "c\n")
        let configHome = fx.directory + "/user-config"
        try TreeBuilder(root: configHome).file("gatefs/config.toml", """
            source = "\(fx.source)"

            [[allow]]
            path = "projects/demo"

            [log]
            path = "\(fx.log)"
            """)
        let env = ["XDG_CONFIG_HOME": configHome]
        fx.register(mountpoint: fx.mountpoint)

        let first = try fx.gatefs(["mount", fx.mountpoint], environment: env)
        XCTAssertEqual(first.exitCode, 0, "\(first)")
        assertSameEntries(try fx.find(fx.mountpoint), ["projects", "projects/demo", "projects/demo/a.txt"],
                          "the config's source and allow")
        XCTAssertEqual(try fx.statusEntry()?.source, fx.source)
        XCTAssertEqual(try fx.statusEntry()?.log, fx.log)
        XCTAssertEqual(try fx.unmount().exitCode, 0)

        let second = try fx.gatefs(["mount", "--allow", "music", fx.mountpoint], environment: env)
        XCTAssertEqual(second.exitCode, 0, "\(second)")
        assertSameEntries(try fx.find(fx.mountpoint), [
            "projects", "projects/demo", "projects/demo/a.txt", "music", "music/c.flac",
        ], "--allow music added to the config's allow")
    }

    /// The fixture's own (empty) XDG_CONFIG_HOME holds no config, so a mount
    /// without --source falls back to $HOME (the fixture's temp home).
    func testWithoutAnyConfigTheSourceIsHome() throws {
        let fx = try makeFixture()
        guard let home = fx.environment["HOME"] else { return XCTFail("fixture has no HOME") }
        try TreeBuilder(root: home).file("projects/demo/a.txt", "a\n")
        fx.register(mountpoint: fx.mountpoint)
        let result = try fx.gatefs(["mount", "--allow", "projects", "--log", fx.log, fx.mountpoint])
        XCTAssertEqual(result.exitCode, 0, "\(result)")
        assertSameEntries(try fx.find(fx.mountpoint), ["projects", "projects/demo", "projects/demo/a.txt"])
        XCTAssertEqual(try fx.statusEntry()?.source, home)
    }
}
