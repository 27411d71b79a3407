import Foundation
import Glibc
import XCTest

/// Finding 4: the audit log (its lock file and rotations too) must be
/// hidden from a view whose source reaches it by another path. Here the
/// source and the log's directory are the same tree seen through a bind
/// mount (`mount --bind H HB`): the log's path does not lie under the
/// source's path, but its file does lie in the source.
final class EscapeLogLayoutTests: EscapeTestCase {
    static let logDirectory = ".local/state/gatefs"

    /// `--source H --log HB/.local/state/gatefs/access.jsonl`.
    func testFinding4LogReachedThroughABindMountOfTheSourceIsHidden() throws {
        try checkLayout(logThroughBind: true, rotate: false)
    }

    /// `--source HB --log H/.local/state/gatefs/access.jsonl`.
    func testFinding4LogInTheTreeOfABindMountedSourceIsHidden() throws {
        try checkLayout(logThroughBind: false, rotate: false)
    }

    /// As the first, with `rotate_bytes = 4096`, so rotated files exist.
    func testFinding4RotatedLogsReachedThroughABindMountOfTheSourceAreHidden() throws {
        try checkLayout(logThroughBind: true, rotate: true)
    }

    /// As the second, with rotated files.
    func testFinding4RotatedLogsInTheTreeOfABindMountedSourceAreHidden() throws {
        try checkLayout(logThroughBind: false, rotate: true)
    }

    // MARK: -

    private func checkLayout(logThroughBind: Bool, rotate: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let fx = try makeFixture()
        for i in 0..<20 {
            try fx.tree.file("projects/demo/f\(i).txt", "file \(i)\n")
        }
        try fx.tree.file(Self.logDirectory + "/other.txt", "other state\n")
        let bound = fx.directory + "/hb"
        XCTAssertEqual(mkdir(bound, 0o755), 0)
        let umount = try bindMountUntilDefer(fx, fx.source, onto: bound)
        // The view is unmounted first: its daemon holds the log open inside HB.
        defer { umount() }

        let (source, logRoot) = logThroughBind ? (fx.source, bound) : (bound, fx.source)
        let logDir = logRoot + "/" + Self.logDirectory
        let log = logDir + "/access.jsonl"
        var arguments = ["--allow", "**"]
        if rotate { arguments += ["--config", try fx.writeConfig("[log]\nrotate_bytes = 4096\nkeep = 3\n")] }
        try fx.mountLive(arguments, source: source, log: log)
        let view = fx.mountpoint
        let names = ["access.jsonl", "access.jsonl.lock"] + (rotate ? ["access.jsonl.1", "access.jsonl.2"] : [])

        if rotate {
            var used = 0
            while used < 60 && access(log + ".2", F_OK) != 0 {
                _ = try fx.runChild(["/bin/cat", view + "/projects/demo/f\(used % 20).txt"])
                used += 1
                usleep(50_000)
            }
            XCTAssertEqual(access(log + ".2", F_OK), 0, "the log never rotated twice", file: file, line: line)
        }
        for name in names {
            XCTAssertEqual(access(logDir + "/" + name, F_OK), 0, "\(name) does not exist on the host",
                           file: file, line: line)
        }
        let dir = view + "/" + Self.logDirectory
        if case .success(let listed) = EscapeRawFS.names(Array(dir.utf8)) {
            let shown = listed.map { String(decoding: $0, as: UTF8.self) }.filter { $0.hasPrefix("access.jsonl") }
            XCTAssertEqual(shown, [], "readdir \(Self.logDirectory) lists the audit log", file: file, line: line)
        }
        for name in names {
            assertHidden(dir + "/" + name, file: file, line: line)
        }
        let seen = sweep(fx, hidden: names.map { Self.logDirectory + "/" + $0 }, file: file, line: line)
        XCTAssertTrue(seen.contains(Array("projects/demo/f0.txt".utf8)), "the view is empty", file: file, line: line)
    }

    /// `mount --bind FROM ONTO`; the returned closure unmounts the view
    /// (whose daemon holds files in ONTO) and then ONTO, by exact path.
    private func bindMountUntilDefer(_ fx: MountFixture, _ from: String, onto: String) throws -> () -> Void {
        guard let mount = HostTools.find("mount"), let umount = HostTools.find("umount") else {
            throw MountFixture.Failure(description: "mount(8) is not installed")
        }
        let result = try fx.run([mount, "--bind", from, onto])
        guard result.exitCode == 0 else { throw MountFixture.Failure(description: "mount --bind failed:\n\(result)") }
        return {
            if KernelMounts.isMounted(fx.mountpoint) {
                let r = try? fx.unmount()
                XCTAssertEqual(r?.exitCode, 0, "gatefs unmount: \(r.map(String.init(describing:)) ?? "did not run")")
            }
            while KernelMounts.isMounted(onto) {
                if (try? fx.run([umount, onto]))?.exitCode != 0 {
                    _ = try? fx.run([umount, "-l", onto])
                    break
                }
            }
            XCTAssertFalse(KernelMounts.isMounted(onto), "bind mount \(onto) is still there")
        }
    }
}
