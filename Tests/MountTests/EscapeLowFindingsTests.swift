import Foundation
import Glibc
import XCTest

/// Finding 11, the smaller holes: extended attribute values served without
/// an audit line; a handle opened before its file was hard-linked into a
/// secret store; free-space figures that count hidden files; and a view
/// that stalls when a FUSE mount inside its source stops answering.
final class EscapeLowFindingsTests: EscapeTestCase {
    /// `user.*` values are data: reading one through the view is logged
    /// with the path and the attribute's name.
    func testFinding11XattrValueReadThroughTheViewIsLogged() throws {
        let fx = try makeFixture()
        let relative = "projects/demo/noted.txt"
        try fx.tree.file(relative, "noted\n")
        XCTAssertEqual(Xattr.set(fx.source + "/" + relative, "user.note", "SECRETNOTE"), 0, "setxattr: \(Posix.name(errno))")
        try fx.mountLive(["--allow", "projects/demo"])

        let value = EscapeSyscalls.get(Array((fx.mountpoint + "/" + relative).utf8), "user.note")
        XCTAssertEqual(value.escapeValue.map { String(decoding: $0, as: UTF8.self) }, "SECRETNOTE",
                       "getxattr user.note through the view: \(value)")
        let deadline = Date().addingTimeInterval(10)
        var found = false
        while !found && Date() < deadline {
            found = Self.rawLines(fx.log).contains { line in
                line["event"] as? String == "xattr" && line["path"] as? String == relative
                    && line.values.contains { $0 as? String == "user.note" }
            }
            if !found { usleep(50_000) }
        }
        XCTAssertTrue(found, "no \"event\":\"xattr\" line naming user.note for \(relative); the log:\n"
                      + AuditTestLog(fx.log).rawLines.suffix(10).joined(separator: "\n"))
    }

    /// A file opened (nothing read yet) and then hard-linked into `~/.ssh`
    /// on the host is a secret now: within 2 s, reading the open handle
    /// fails or returns none of its bytes.
    func testFinding11HandleOpenedBeforeItsFileIsLinkedIntoAStoreStopsServingIt() throws {
        let fx = try makeFixture()
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, "projects/demo/f.txt")
        try fx.mountLive(["--allow", "projects/demo"])

        let fd = open(fx.mountpoint + "/projects/demo/f.txt", O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0, "open f.txt through the view before the link: \(Posix.name(errno))")
        guard fd >= 0 else { return }
        defer { close(fd) }
        XCTAssertEqual(link(fx.source + "/projects/demo/f.txt", fx.source + "/.ssh/f"), 0, "ln f.txt .ssh/f: \(Posix.name(errno))")
        sleep(2)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buffer, buffer.count, 0)
        if n > 0 {
            assertNoMarker(Array(buffer[..<n]), "pread of a handle whose file was linked into ~/.ssh 2 s earlier")
        }
        sweep(fx, hidden: ["projects/demo/f.txt", ".ssh"])
    }

    /// The same, with the file's pages already in the kernel's cache: a
    /// read made before the link fills it, so the revocation must also make
    /// the kernel drop those pages, or a later pread is served from them
    /// without asking the daemon. The refused read is logged.
    func testRevokedHandleIsNotServedFromPagesCachedBeforeTheLink() throws {
        let fx = try makeFixture()
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, "projects/demo/f.txt", padding: 64 << 10)
        try fx.mountLive(["--allow", "projects/demo"])

        let fd = open(fx.mountpoint + "/projects/demo/f.txt", O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0, "open f.txt through the view before the link: \(Posix.name(errno))")
        guard fd >= 0 else { return }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        XCTAssertGreaterThan(pread(fd, &buffer, buffer.count, 0), 0, "the read before the link")
        XCTAssertEqual(link(fx.source + "/projects/demo/f.txt", fx.source + "/.ssh/f"), 0, "ln f.txt .ssh/f: \(Posix.name(errno))")
        sleep(2)
        buffer = [UInt8](repeating: 0, count: 64 << 10)
        let n = pread(fd, &buffer, buffer.count, 0)
        XCTAssertLessThan(n, 0, "pread of a revoked handle returned \(n) bytes")
        if n > 0 { assertNoMarker(Array(buffer[..<n]), "pread of a handle whose file was linked into ~/.ssh 2 s earlier") }
        assertDenyLogged(fx, path: "projects/demo/f.txt", rule: "hardlink-secret", op: "read")
    }

    /// statfs must not count hidden content: a 1 MiB file created in a
    /// hidden store leaves the view's free blocks and inodes unchanged (the
    /// gate may round them). One retry with a new file, in case the host's
    /// free space moved for other reasons at that moment.
    func testFinding11StatfsDoesNotChangeWhenAHiddenFileIsCreated() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try secret(fx, ".ssh/id_ed25519")
        try fx.mountLive(["--allow", "projects/demo"])

        var reports: [String] = []
        for attempt in 0..<2 {
            let (viewBefore, sourceBefore) = (try Self.figures(fx.mountpoint), try Self.figures(fx.source))
            try Self.createSynced(fx.source + "/.ssh/blob\(attempt)", bytes: 1 << 20)
            let (viewAfter, sourceAfter) = (try Self.figures(fx.mountpoint), try Self.figures(fx.source))
            XCTAssertNotEqual(sourceBefore, sourceAfter, "the source's own statfs did not change: nothing to compare")
            if viewBefore == viewAfter { return }
            reports.append("attempt \(attempt + 1): view (bavail, bfree, files, ffree) \(viewBefore) -> \(viewAfter); "
                           + "source \(sourceBefore) -> \(sourceAfter)")
        }
        XCTFail("statfs through the view counts a hidden 1 MiB file:\n" + reports.joined(separator: "\n"))
    }

    /// A FUSE mount inside the source whose daemon stops answering (here a
    /// second gatefs view, SIGSTOPped) must not stall the outer view: `ls`
    /// of its parent returns within 5 s and does not list it.
    func testFinding11StoppedFuseMountInsideTheSourceDoesNotStallTheView() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.directory("projects/inner")
        let inner = fx.source + "/projects/inner"
        try TreeBuilder(root: fx.directory + "/inner-source").file("hello.txt", "hello\n")
        try fx.mountLive(["--allow", "projects"])
        try fx.mountLive(["--allow", "**"], at: inner, source: fx.directory + "/inner-source", log: fx.directory + "/state/inner.jsonl")
        let innerPID = try fx.daemonPID(for: inner)

        let stem = fx.directory + "/output/ls-projects"
        var ls: pid_t = -1
        XCTAssertEqual(kill(innerPID, SIGSTOP), 0, "SIGSTOP the inner daemon: \(Posix.name(errno))")
        defer {
            // ls may be waiting on a request the outer daemon can only answer once the inner one runs again.
            if ls > 0 { kill(ls, SIGKILL) }
            kill(innerPID, SIGCONT)
            if ls > 0 { _ = ProcessRunner.wait(ls, timeout: 60) }
            let r = try? fx.unmount(inner)
            XCTAssertEqual(r?.exitCode, 0, "unmount the inner view: \(r.map(String.init(describing:)) ?? "did not run")")
        }
        // Past the inner root's attribute timeout (1 s): a stat of it must now reach the stopped daemon.
        sleep(2)
        ls = try ProcessRunner.spawn(["/bin/ls", "-a", fx.mountpoint + "/projects"], environment: fx.environment,
                                     stdoutPath: stem + ".out", stderrPath: stem + ".err")
        let deadline = Date().addingTimeInterval(5)
        var end: Termination?
        while end == nil && Date() < deadline {
            end = ProcessRunner.poll(ls)
            if end == nil { usleep(20_000) }
        }
        guard let end else { return XCTFail("ls VIEW/projects did not return within 5 s: the view stalls on the stopped inner mount") }
        ls = -1
        let names = ((try? String(contentsOfFile: stem + ".out", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        XCTAssertEqual(end, .exited(0), "ls VIEW/projects: \((try? String(contentsOfFile: stem + ".err", encoding: .utf8)) ?? "")")
        XCTAssertFalse(names.contains("inner"), "ls VIEW/projects lists the inner mount: \(names)")
        XCTAssertTrue(names.contains("demo"), "ls VIEW/projects does not list demo: \(names)")
    }

    // MARK: - Helpers

    /// Every complete line of the log as a JSON object (any keys).
    private static func rawLines(_ path: String) -> [[String: Any]] {
        AuditTestLog(path).rawLines.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// (f_bavail, f_bfree, f_files, f_ffree) of the file system at `path`.
    private static func figures(_ path: String) throws -> [UInt64] {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { throw MountFixture.Failure(description: "statvfs \(path): \(Posix.name(errno))") }
        return [UInt64(s.f_bavail), UInt64(s.f_bfree), UInt64(s.f_files), UInt64(s.f_ffree)]
    }

    /// Writes `bytes` bytes and fsyncs, so the blocks are allocated now.
    private static func createSynced(_ path: String, bytes: Int) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MountFixture.Failure(description: "create \(path): \(Posix.name(errno))") }
        defer { close(fd) }
        var random = PseudoRandomBytes(seed: 0x57A7F5)
        let data = random.bytes(bytes)
        guard data.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes, fsync(fd) == 0 else {
            throw MountFixture.Failure(description: "write \(path): \(Posix.name(errno))")
        }
    }
}
