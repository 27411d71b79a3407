import Foundation
import Glibc
import XCTest

/// `inode_numbers` end to end: the config key and `--inode-numbers` reach
/// the daemon (through the background re-spawn of `mount` and through
/// `gatefs run`), and what the default buys: `git status` through the view
/// trusts git's index instead of re-reading every tracked file.
final class InodeNumberTests: MountTestCase {
    static let repository = "projects/repo"
    static let tracked = [
        "README.md", "Package.swift", "Sources/App/main.swift", "Sources/App/util.swift",
        "Sources/Lib/lib.swift", "docs/guide.md", "docs/img/logo.svg", "scripts/build.sh",
    ]
    /// Read through the view after `git status`; its close line marks that
    /// everything git caused is in the log.
    static let sentinel = "projects/sentinel.txt"
    /// No global or system git config may change what git does.
    static let gitEnvironment = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]

    // MARK: - git status

    /// The default: the view reports the source's inode numbers, so every
    /// tracked file's stat data matches the index and `git status` opens
    /// none of them. A change made in the source still shows.
    func testGitStatusThroughTheViewOpensNoTrackedFileByDefault() throws {
        let fx = try makeFixture()
        let git = try makeRepository(fx)
        try fx.mountLive(["--allow", "projects"])

        let opens = try gitStatus(fx, git: git, expect: "")
        XCTAssertEqual(opens, [:], "git status opened tracked files through the view (it re-read them):\n\(opens)")

        // Not blind: a tracked file changed in the source is reported modified.
        let changed = Self.repository + "/Sources/App/main.swift"
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: fx.source + "/" + changed))
        handle.seekToEndOfFile()
        handle.write(Data("// changed\n".utf8))
        handle.closeFile()
        usleep(1_500_000)   // the kernel caches attributes for 1 s
        _ = try gitStatus(fx, git: git, expect: " M Sources/App/main.swift\n", sentinelCount: 2)
    }

    /// `--inode-numbers private`: every number differs from the index's, so
    /// git re-reads (and the log records an open of) every tracked file to
    /// find the tree clean all the same.
    func testGitStatusWithPrivateInodeNumbersReReadsEveryTrackedFile() throws {
        let fx = try makeFixture()
        let git = try makeRepository(fx)
        try fx.mountLive(["--allow", "projects", "--inode-numbers", "private"])

        let opens = try gitStatus(fx, git: git, expect: "")
        assertSameEntries(opens.keys.sorted(), Self.tracked.map { Self.repository + "/" + $0 },
                          "files git status opened through the view with private inode numbers")
    }

    // MARK: - choosing the numbers

    /// No key and no flag means source numbers; the config key chooses;
    /// the flag overrides the config, for `mount` (whose daemon is started
    /// again from the options as arguments) and for `gatefs run`.
    func testConfigKeyAndFlagChooseTheNumbersForMountAndRun() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/a.txt", "a\n")
        let sourceIno = UInt64(try XCTUnwrap(Posix.lstatInfo(fx.source + "/projects/a.txt")).st_ino)
        let privateConfig = try fx.writeConfig("inode_numbers = \"private\"\n", name: "private.toml")
        let sourceConfig = try fx.writeConfig("inode_numbers = \"source\"\n", name: "source.toml")
        let cases: [(arguments: [String], source: Bool)] = [
            ([], true),
            (["--config", privateConfig], false),
            (["--config", sourceConfig], true),
            (["--config", privateConfig, "--inode-numbers", "source"], true),
            (["--config", sourceConfig, "--inode-numbers", "private"], false),
            (["--inode-numbers", "private"], false),
        ]
        for c in cases {
            let label = c.arguments.isEmpty ? "no options" : c.arguments.joined(separator: " ")
            try fx.mountLive(["--allow", "projects"] + c.arguments)
            let viewIno = try XCTUnwrap(Posix.lstatInfo(fx.mountpoint + "/projects/a.txt"), label).st_ino
            if c.source {
                XCTAssertEqual(UInt64(viewIno), sourceIno, "mount \(label): not the source's inode number")
            } else {
                XCTAssertNotEqual(UInt64(viewIno), sourceIno, "mount \(label): the source's inode number")
            }
            let unmounted = try fx.unmount()
            XCTAssertEqual(unmounted.exitCode, 0, "\(unmounted)")
        }

        for (i, c) in cases.enumerated() {
            let label = c.arguments.isEmpty ? "no options" : c.arguments.joined(separator: " ")
            let log = fx.directory + "/state/run-\(i).jsonl"
            let result = try fx.gatefs(
                ["run", "--source", fx.source, "--log", log, "--allow", "projects"] + c.arguments
                    + ["--", "/usr/bin/stat", "-c", "%i", "{view}/projects/a.txt"])
            if let view = AuditTestLog(log).lines.first(where: { $0.event == "mount" })?.mountpoint {
                fx.register(mountpoint: view)
                XCTAssertFalse(KernelMounts.isMounted(view), "gatefs run \(label) left \(view) mounted")
            } else {
                XCTFail("gatefs run \(label): no mount line in \(log)")
            }
            XCTAssertEqual(result.exitCode, 0, "\(result)")
            let printed = UInt64(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            XCTAssertNotNil(printed, "\(result)")
            if c.source {
                XCTAssertEqual(printed, sourceIno, "run \(label): not the source's inode number")
            } else {
                XCTAssertNotEqual(printed, sourceIno, "run \(label): the source's inode number")
            }
        }
    }

    /// A value that is neither "source" nor "private" is bad input: exit 2,
    /// a message naming the flag and the choices, nothing mounted.
    func testAnUnknownValueIsRejected() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/a.txt", "a\n")
        let message = "gatefs: --inode-numbers must be 'source' or 'private', not 'Source'\n"
        let mount = try fx.mount(["--allow", "projects", "--inode-numbers", "Source"])
        XCTAssertEqual(mount.exitCode, 2, "\(mount)")
        XCTAssertEqual(mount.stderr, message, "\(mount)")
        let run = try fx.gatefs(
            ["run", "--source", fx.source, "--log", fx.log, "--allow", "projects", "--inode-numbers", "Source",
             "--", "/bin/true"])
        XCTAssertEqual(run.exitCode, 2, "\(run)")
        XCTAssertEqual(run.stderr, message, "\(run)")
        XCTAssertEqual(KernelMounts.mounts(under: fx.directory).map(\.mountpoint), [], "bad input mounted something")
        XCTAssertEqual(AuditTestLog(fx.log).lines.map(\.event), [], "bad input got as far as the audit log")
    }

    // MARK: - helpers

    /// A git repository in the source with `tracked` committed. The files'
    /// mtimes are set well before the commit, so no index entry is "racily
    /// clean" (which would make any git re-read it whatever the numbers).
    private func makeRepository(_ fx: MountFixture) throws -> String {
        guard let git = HostTools.find("git") else { throw XCTSkip("git is not installed; .ci/setup installs it") }
        let repo = fx.source + "/" + Self.repository
        for (i, path) in Self.tracked.enumerated() {
            try fx.tree.file(Self.repository + "/" + path, "file \(i): \(path)\n" + String(repeating: "x", count: 100 * i))
        }
        try fx.tree.file(Self.sentinel, "sentinel\n")
        let touch = try fx.run(["/usr/bin/touch", "-d", "@1700000000"] + Self.tracked.map { repo + "/" + $0 })
        XCTAssertEqual(touch.exitCode, 0, "\(touch)")
        let identity = ["-c", "user.name=gatefs test", "-c", "user.email=gatefs@example.invalid"]
        for argv in [["init", "-q", "-b", "main"], ["add", "--"] + Self.tracked, identity + ["commit", "-q", "-m", "initial"]] {
            let result = try fx.run([git, "-C", repo] + argv, environment: Self.gitEnvironment)
            guard result.exitCode == 0 else { throw MountFixture.Failure(description: "git failed:\n\(result)") }
        }
        let status = try fx.run([git, "-C", repo, "status", "--porcelain"], environment: Self.gitEnvironment)
        XCTAssertEqual(status.exitCode, 0, "\(status)")
        XCTAssertEqual(status.stdout, "", "the source repository is not clean:\n\(status)")
        return git
    }

    /// Runs `git status --porcelain` in the view's repository (it must
    /// print `expect`), then reads the sentinel and waits for its
    /// `sentinelCount`th close line. Returns the number of `open` lines for
    /// tracked files, by path, logged up to then.
    private func gitStatus(
        _ fx: MountFixture, git: String, expect: String, sentinelCount: Int = 1,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: Int] {
        let status = try fx.run([git, "-C", fx.mountpoint + "/" + Self.repository, "status", "--porcelain"],
                                environment: Self.gitEnvironment)
        XCTAssertEqual(status.exitCode, 0, "\(status)", file: file, line: line)
        XCTAssertEqual(status.stdout, expect, "git status through the view:\n\(status)", file: file, line: line)

        let cat = try fx.run(["/bin/cat", fx.mountpoint + "/" + Self.sentinel])
        XCTAssertEqual(cat.exitCode, 0, "\(cat)", file: file, line: line)
        guard let log = AuditTestLog.wait(fx.log, until: {
            $0.filter { $0.event == "close" && $0.path == Self.sentinel }.count >= sentinelCount
        }) else {
            throw MountFixture.Failure(description: "no close line for \(Self.sentinel):\n\(AuditTestLog(fx.log).rawLines.joined(separator: "\n"))")
        }
        let paths = Set(Self.tracked.map { Self.repository + "/" + $0 })
        return log.lines.filter { $0.event == "open" && paths.contains($0.path) }.reduce(into: [:]) { $0[$1.path, default: 0] += 1 }
    }
}
