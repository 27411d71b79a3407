import Foundation
import GateAuditReader
import Glibc
import Synchronization
import XCTest

/// The base of the escape battery (issue 4). Each case arranges a source
/// tree whose protected files all hold `EscapeTestCase.marker`, mounts it,
/// attacks it the way an agent would, and then checks three things:
/// no byte read through the view holds the marker, no hidden name is ever
/// listed (readdir of every directory, and `find`), and the daemon wrote a
/// `deny` line with the right rule for each hidden name it was asked for.
class EscapeTestCase: MountTestCase {
    /// In every protected file. No byte sequence that comes back through a
    /// view (file data, link targets, listings, xattr values) may contain it.
    static let marker = "GATEFS-ESCAPE-MARKER-b7c41e9d"
    static let markerBytes = Array(marker.utf8)

    // MARK: - Arranging

    /// A protected file: its bytes hold the marker and its own path.
    func secret(_ fx: MountFixture, _ relative: String, padding: Int = 0) throws {
        var bytes = Array("\(Self.marker) \(relative)\n".utf8)
        if padding > 0 { bytes += [UInt8](repeating: UInt8(ascii: "s"), count: padding) }
        try fx.tree.file(relative, bytes: bytes)
    }

    /// A protected file whose path is raw bytes (not valid UTF-8, newlines, ...).
    func secret(_ fx: MountFixture, raw relative: [UInt8]) throws {
        let bytes = Self.markerBytes + Array(" raw\n".utf8)
        XCTAssertEqual(EscapeRawFS.createFile(Array(fx.source.utf8) + [UInt8(ascii: "/")] + relative, bytes), 0,
                       "create \(EscapeAuditText.of(relative)) in the source")
    }

    // MARK: - Asserting: no protected byte

    /// The bytes must not contain the marker.
    func assertNoMarker(
        _ bytes: [UInt8], _ what: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line
    ) {
        if EscapeByteSearch.contains(bytes, Self.markerBytes) {
            XCTFail("PROTECTED BYTES came back through the view: \(what())", file: file, line: line)
        }
    }

    /// Reads `path` through the view: it must fail with one of `errnos`
    /// (ENOENT by default: hidden names do not exist), and return no byte.
    func assertUnreadable(
        _ path: String, _ errnos: Set<Int32> = [ENOENT], file: StaticString = #filePath, line: UInt = #line
    ) {
        switch Posix.readFile(path) {
        case .success(let bytes):
            assertNoMarker(bytes, "read \(path)", file: file, line: line)
            XCTFail("read \(path) succeeded (\(bytes.count) bytes); expected \(errnos.map(Posix.name).sorted())",
                    file: file, line: line)
        case .failure(let e):
            XCTAssertTrue(errnos.contains(e.code), "read \(path): got \(e), expected \(errnos.map(Posix.name).sorted())",
                          file: file, line: line)
        }
    }

    /// lstat, stat, open and readlink of a hidden path all say ENOENT.
    func assertHidden(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        assertAbsent(path, file: file, line: line)
        let s = Posix.statError(path)
        XCTAssertEqual(s, ENOENT, "stat \(path): got \(Posix.name(s))", file: file, line: line)
        assertUnreadable(path, file: file, line: line)
        if case .success(let target) = Posix.readLink(path) {
            XCTFail("readlink \(path) = \(target) although the name is hidden", file: file, line: line)
        }
    }

    // MARK: - Asserting: no hidden name listed

    /// Walks the whole view (readdir of every directory, never following a
    /// link), reads every regular file, every link target and every xattr,
    /// and checks that nothing holds the marker and that no visible path is
    /// (or lies under) one of `hidden`. Then `find VIEW` must list exactly
    /// the same paths. Returns the visible paths, relative, as raw bytes.
    @discardableResult
    func sweep(
        _ fx: MountFixture, view: String? = nil, hidden: [String] = [], hiddenRaw: [[UInt8]] = [],
        readFiles: Bool = true, file: StaticString = #filePath, line: UInt = #line
    ) -> Set<[UInt8]> {
        let root = Array((view ?? fx.mountpoint).utf8)
        let forbidden = hidden.map { Array($0.utf8) } + hiddenRaw
        var seen: Set<[UInt8]> = []
        var stack: [[UInt8]] = [[]]
        while let relative = stack.popLast() {
            let dir = relative.isEmpty ? root : root + [UInt8(ascii: "/")] + relative
            let names: [[UInt8]]
            switch EscapeRawFS.names(dir) {
            case .success(let n): names = n
            case .failure(let e):
                // A directory the caller may not read is fine; a vanished one is not expected.
                if e.code != EACCES { XCTFail("readdir \(EscapeAuditText.of(dir)): \(e)", file: file, line: line) }
                continue
            }
            for name in names {
                assertNoMarker(name, "a listed name in \(EscapeAuditText.of(dir))", file: file, line: line)
                let child = relative.isEmpty ? name : relative + [UInt8(ascii: "/")] + name
                seen.insert(child)
                for h in forbidden where child == h || child.starts(with: h + [UInt8(ascii: "/")]) {
                    XCTFail("HIDDEN NAME LISTED: readdir shows \(EscapeAuditText.of(child))", file: file, line: line)
                }
                let full = root + [UInt8(ascii: "/")] + child
                guard let st = EscapeRawFS.lstat(full) else {
                    XCTFail("listed \(EscapeAuditText.of(child)) but lstat fails: \(Posix.name(errno))", file: file, line: line)
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    stack.append(child)
                case S_IFREG where readFiles:
                    if case .success(let bytes) = EscapeRawFS.readAll(full) {
                        assertNoMarker(bytes, "read \(EscapeAuditText.of(child))", file: file, line: line)
                    }
                case S_IFLNK:
                    if case .success(let target) = EscapeRawFS.readlink(full) {
                        assertNoMarker(target, "readlink \(EscapeAuditText.of(child))", file: file, line: line)
                        // The kernel resolves the target through the view: it must stay
                        // inside it and never land on (or under) a hidden path.
                        switch Self.lexicalTarget(of: child, target) {
                        case nil:
                            XCTFail("readlink \(EscapeAuditText.of(child)) = \(EscapeAuditText.of(target)) leaves the view",
                                    file: file, line: line)
                        case let resolved?:
                            for h in forbidden where resolved == h || resolved.starts(with: h + [UInt8(ascii: "/")]) {
                                XCTFail("readlink \(EscapeAuditText.of(child)) = \(EscapeAuditText.of(target)) names hidden \(EscapeAuditText.of(h))",
                                        file: file, line: line)
                            }
                        }
                    }
                default:
                    break
                }
                if st.st_mode & S_IFMT != S_IFLNK {
                    for (_, value) in EscapeSyscalls.all(full) {
                        assertNoMarker(value, "xattr of \(EscapeAuditText.of(child))", file: file, line: line)
                    }
                }
            }
        }
        // find walks the view its own way (fts, openat): it must agree.
        let found = EscapeRawRun.run(fx, ["/usr/bin/find", String(decoding: root, as: UTF8.self), "-mindepth", "1", "-printf", "%P\\0"])
        XCTAssertEqual(found.termination, .exited(0), "find \(EscapeAuditText.of(root)): \(found.stderr)", file: file, line: line)
        assertNoMarker(found.stdout, "find output", file: file, line: line)
        let fromFind = Set(found.stdout.split(separator: 0, omittingEmptySubsequences: true).map(Array.init))
        if fromFind != seen {
            XCTFail("""
                find and readdir disagree:
                only find:    \(fromFind.subtracting(seen).map(EscapeAuditText.of).sorted())
                only readdir: \(seen.subtracting(fromFind).map(EscapeAuditText.of).sorted())
                """, file: file, line: line)
        }
        return seen
    }

    /// The view path a link's target names, resolved lexically from the
    /// link's directory; nil if it is absolute or climbs above the root.
    static func lexicalTarget(of link: [UInt8], _ target: [UInt8]) -> [UInt8]? {
        if target.first == UInt8(ascii: "/") { return nil }
        var parts = link.split(separator: UInt8(ascii: "/")).map(Array.init).dropLast()
        for part in target.split(separator: UInt8(ascii: "/")).map(Array.init) {
            if part == [0x2E] { continue }
            if part == [0x2E, 0x2E] {
                if parts.isEmpty { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return Array(parts.joined(separator: [UInt8(ascii: "/")]))
    }

    // MARK: - Asserting: the deny line

    /// Waits for a `deny` line for `path` (the audit text form: relative,
    /// `\xNN` for bytes that are not UTF-8) with `rule`, optionally from `uid`.
    @discardableResult
    func assertDenyLogged(
        _ fx: MountFixture, path: String, rule: String, op: String? = nil, uid: UInt32? = nil, log: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) -> Bool {
        let logPath = log ?? fx.log
        let found = AgentAuditLog.wait(for: logPath, timeout: 10) {
            $0.event == "deny" && $0.path == path && $0.rule == rule
                && (op == nil || $0.op == op) && (uid == nil || $0.uid == uid)
        }
        if found == nil {
            let denies = AgentAuditLog.load(logPath).filter { $0.event == "deny" }
            XCTFail("""
                no deny line for \(path) with rule \(rule)\(op.map { " op \($0)" } ?? "")\(uid.map { " uid \($0)" } ?? "")
                deny lines: \(denies.suffix(30).map { "\($0.path) rule=\($0.rule ?? "-") op=\($0.op ?? "-")" })
                """, file: file, line: line)
            return false
        }
        return true
    }

    /// Every line of the log is one JSON object, and the chain verifies.
    func assertLogIntact(_ fx: MountFixture, log: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        let logPath = log ?? fx.log
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: logPath))) ?? Data()
        let lines = raw.split(separator: UInt8(ascii: "\n"))
        for (i, l) in lines.enumerated() where (try? JSONSerialization.jsonObject(with: Data(l))) == nil {
            XCTFail("log line \(i + 1) is not one JSON object: \(String(decoding: l.prefix(200), as: UTF8.self))",
                    file: file, line: line)
        }
        assertNoMarker(Array(raw), "the audit log", file: file, line: line)
        let verify = try? fx.gatefs(["log", "verify", logPath])
        XCTAssertEqual(verify?.exitCode, 0, "gatefs log verify: \(verify.map(String.init(describing:)) ?? "did not run")",
                       file: file, line: line)
    }

    // MARK: - The daemon

    /// The daemon is alive, answers the next request, and its RSS is bounded.
    func assertDaemonHealthy(
        _ fx: MountFixture, pid: Int32, probe: String, expected: [UInt8], rssLimitKiB: Int = 256 * 1024,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertTrue(ProcFS.isRunning(pid), "the daemon \(pid) is gone", file: file, line: line)
        let started = Date()
        let r = Posix.readFile(fx.mountpoint + "/" + probe)
        XCTAssertEqual(r, .success(expected), "the next request (read \(probe)) was not answered right", file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the next request took too long", file: file, line: line)
        if let rss = ProcFS.residentKiB(pid) {
            XCTAssertLessThan(rss, rssLimitKiB, "daemon RSS \(rss) KiB", file: file, line: line)
        }
        XCTAssertEqual(KernelMounts.mount(at: fx.mountpoint)?.fsType, "fuse.gatefs", "the view is gone", file: file, line: line)
    }

    // MARK: - Bind mounts

    /// `mount --bind FROM ONTO`, unmounted by exact path in teardown, which
    /// runs before the fixture's own (and so before the view is unmounted).
    func bindMount(_ fx: MountFixture, _ from: String, onto: String) throws {
        guard let mount = HostTools.find("mount"), let umount = HostTools.find("umount") else {
            throw XCTSkip("mount(8) is not installed")
        }
        let result = try fx.run([mount, "--bind", from, onto])
        guard result.exitCode == 0 else { throw XCTSkip("mount --bind is not permitted here:\n\(result)") }
        addTeardownBlock {
            while KernelMounts.isMounted(onto) {
                let r = try? fx.run([umount, onto])
                if r?.exitCode != 0 {
                    _ = try? fx.run([umount, "-l", onto])
                    break
                }
            }
            XCTAssertFalse(KernelMounts.isMounted(onto), "teardown: bind mount \(onto) is still there")
        }
    }

    // MARK: - Other users

    /// argv run as uid/gid 1000 with no supplementary groups.
    func runAsAgent(_ fx: MountFixture, _ argv: [String], timeout: Double = 30) throws -> EscapeRawRun.Result {
        guard let setpriv = HostTools.find("setpriv") else { throw XCTSkip("setpriv (util-linux) is not installed") }
        return EscapeRawRun.run(fx, [setpriv, "--reuid", "1000", "--regid", "1000", "--clear-groups"] + argv, timeout: timeout)
    }

    // MARK: - Threads

    /// Runs `body(i)` for i in 0..<count, each on its own thread, all at once.
    static func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchSemaphore(value: 0)
        for i in 0..<count {
            let t = Thread {
                body(i)
                done.signal()
            }
            t.stackSize = 1 << 20
            t.start()
        }
        for _ in 0..<count { done.wait() }
    }

    /// Seconds a race runs: GATEFS_RACE_SECONDS, else `default`.
    static func raceSeconds(_ defaultSeconds: Double) -> Double {
        ProcessInfo.processInfo.environment["GATEFS_RACE_SECONDS"].flatMap(Double.init) ?? defaultSeconds
    }
}
