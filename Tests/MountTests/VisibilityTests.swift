import Foundation
import Glibc
import XCTest

/// Which names a view shows: allow rules, deny rules, built-in secrets and
/// their carve-outs, seen through lookup (stat) and readdir (find, ls).
final class VisibilityTests: MountTestCase {
    func testAllowOneProjectShowsExactlyThatProject() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        try fx.mountLive(["--allow", "projects/demo"])
        let view = fx.mountpoint

        assertSameEntries(try fx.find(view), [
            "projects",
            "projects/demo",
            "projects/demo/README.md",
            "projects/demo/Package.swift",
            "projects/demo/.gitignore",
            "projects/demo/src",
            "projects/demo/src/main.swift",
            "projects/demo/src/util",
            "projects/demo/src/util/strings.swift",
            "projects/demo/docs",
            "projects/demo/docs/guide.md",
            "projects/demo/certs",
            "projects/demo/certs/ca.crt",
            "projects/demo/deploy",
            "projects/demo/deploy/main.tf",
            "projects/demo/keys",
            "projects/demo/keys/README.txt",
            "projects/demo/environment.txt",
            "projects/demo/build",
        ], "find VIEW with --allow projects/demo")
        assertListing(view, ["projects"])
        assertListing(view + "/projects", ["demo"])

        // Not allowed, secret or not: lookup says ENOENT, like a name that never existed.
        for path in ["notes.txt", "music", "projects/other", "projects/other/notes.txt", ".docker",
                     ".docker/other.json", ".ssh", ".ssh/id_ed25519", ".bashrc", "projects/demo/.env",
                     "projects/demo/.env.local", "projects/demo/certs/server.pem", "projects/demo/keys/id_ed25519"] {
            assertAbsent(view + "/" + path)
        }
        assertSameBytes(view + "/projects/demo/src/main.swift", fx.source + "/projects/demo/src/main.swift")
    }

    func testAllowEverythingStillHidesEverySecret() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        try fx.mountLive(["--allow", "**"])
        let view = fx.mountpoint

        assertSameEntries(try fx.find(view), SampleHome.visibleUnderAllowAll, "find VIEW with --allow '**'")
        for path in SampleHome.secretFiles + SampleHome.secretDirectories {
            assertAbsent(view + "/" + path)
            assertErrno(ENOENT, "open \(path)", closingResult: true) { open(view + "/" + path, O_RDONLY) }
        }
        for path in [".docker/other.json", "music/album/01-intro.flac", ".claude/settings.json", ".bashrc"] {
            assertSameBytes(view + "/" + path, fx.source + "/" + path)
        }
    }

    func testDenyBeatsAllow() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        try fx.mountLive([
            "--allow", "**", "--allow", "projects/other",
            "--deny", "projects/other", "--deny", "**/*.flac", "--deny", ".config",
        ])
        let view = fx.mountpoint

        let expected = SampleHome.visibleUnderAllowAll.filter {
            !$0.hasPrefix("projects/other") && !$0.hasSuffix(".flac") && !$0.hasPrefix(".config")
        }
        assertSameEntries(try fx.find(view), expected, "find VIEW with denies")
        for path in ["projects/other", "projects/other/notes.txt", "music/album/01-intro.flac", ".config",
                     ".config/app/settings.json"] {
            assertAbsent(view + "/" + path)
        }
        assertListing(view + "/music/album", [])
        assertListing(view + "/projects", ["demo"])
    }

    func testSecretExceptInConfigShowsOnlyTheExceptedFile() throws {
        let fx = try makeFixture()
        try SampleHome.build(fx.tree)
        let config = fx.directory + "/gatefs.toml"
        try """
            [secrets]
            except = [".ssh/known_hosts"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try fx.mountLive(["--config", config, "--allow", "**"])
        let view = fx.mountpoint

        assertListing(view + "/.ssh", ["known_hosts"])
        assertSameBytes(view + "/.ssh/known_hosts", fx.source + "/.ssh/known_hosts")
        for path in [".ssh/id_ed25519", ".ssh/id_ed25519.pub", ".ssh/config", ".aws", ".aws/credentials"] {
            assertAbsent(view + "/" + path)
        }
        assertSameEntries(
            try fx.find(view), SampleHome.visibleUnderAllowAll + [".ssh", ".ssh/known_hosts"],
            "find VIEW with .ssh/known_hosts excepted")
    }
}
