import Foundation
import Glibc
import Synchronization
import XCTest

/// Class 4: swap races. While readers loop through the view, a thread
/// swaps names in the source (renameat2 RENAME_EXCHANGE, atomic) between
/// allowed content and a way into the secret store, thousands of times.
/// Every name is re-resolved relative to a verified directory descriptor and
/// every open must find the identity lookup approved, so a reader may get
/// errors but never a protected byte. GATEFS_RACE_SECONDS lengthens each race.
final class EscapeRaceTests: EscapeTestCase {
    static let allowed = Array("ALLOWED CONTENT\n".utf8)

    func testDirectorySwappedForALinkToTheSecretStore() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/sub/file", bytes: Self.allowed)
        try fx.tree.file("projects/demo/sub/only-in-sub", "x\n")
        try fx.tree.file("projects/demo/probe.txt", "probe\n")
        try secret(fx, ".ssh/file")
        try secret(fx, ".ssh/only-in-ssh")
        try fx.tree.symlink("projects/demo/swap", to: "../../.ssh")
        try fx.mountLive(["--allow", "projects/demo"])
        let pid = try fx.daemonPID()
        let (src, view) = (fx.source + "/projects/demo", fx.mountpoint + "/projects/demo")

        let state = race(seconds: Self.raceSeconds(4), swappers: [{ s in
            Self.exchangePairs(src + "/sub", src + "/swap", state: s)
        }], readers: [
            { s in Self.readLoop(view + "/sub/file", state: s) },
            { s in Self.readLoop(view + "/swap/file", state: s) },
            { s in Self.listLoop([view, view + "/sub", view + "/swap"], forbidden: ["only-in-ssh", ".ssh"], state: s) },
        ])
        report(state, minimumSwaps: 1000)
        assertDaemonHealthy(fx, pid: pid, probe: "projects/demo/probe.txt", expected: Array("probe\n".utf8))
        sweep(fx, hidden: [".ssh", "projects/demo/swap"])
    }

    func testFileSwappedForASymlinkOrAHardLinkToASecret() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/sub/file", bytes: Self.allowed)
        try fx.tree.file("projects/demo/probe.txt", "probe\n")
        try secret(fx, ".ssh/id_ed25519")
        try fx.tree.symlink("projects/demo/sub/file.lnk", to: "../../../.ssh/id_ed25519")
        try fx.tree.hardLink("projects/demo/sub/file.hl", to: ".ssh/id_ed25519")
        try fx.mountLive(["--allow", "projects/demo"])
        let pid = try fx.daemonPID()
        let (src, view) = (fx.source + "/projects/demo/sub", fx.mountpoint + "/projects/demo/sub")

        let state = race(seconds: Self.raceSeconds(4), swappers: [{ s in
            var round = 0
            while !s.stopped {
                // Alternate: the name `file` is the allowed file, then a link out, then a hard link.
                Self.exchangeOnce(src + "/file", src + (round % 2 == 0 ? "/file.lnk" : "/file.hl"), state: s)
                round += 1
            }
        }], readers: [
            { s in Self.readLoop(view + "/file", state: s) },
            { s in Self.readLoop(view + "/file", state: s) },
            { s in Self.readLoop(view + "/file.hl", state: s) },
            { s in Self.readLoop(view + "/file.lnk", state: s) },
            // `file.lnk` and `file.hl` hold the allowed file half the time: only bytes are judged here.
            { s in Self.listLoop([view], forbidden: [], state: s) },
        ])
        report(state, minimumSwaps: 1000)
        assertDaemonHealthy(fx, pid: pid, probe: "projects/demo/probe.txt", expected: Array("probe\n".utf8))
        sweep(fx, hidden: ["projects/demo/sub/file.lnk", "projects/demo/sub/file.hl", ".ssh"])
    }

    /// The parents move instead: `projects` is exchanged with a link to
    /// the secret store (which holds `demo/sub/file`), `projects/demo` with
    /// a directory whose `sub/file` is a hard link to that secret, and
    /// `sub` is renamed away and back, all at once. Each swap is made
    /// relative to a descriptor of the directory holding both names, so the
    /// swaps never move anything between directories and the tree can be
    /// restored exactly.
    func testParentDirectoriesRenamedAndSwappedWhileReading() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/sub/file", bytes: Self.allowed)
        // The kernel may keep `projects/demo` bound to whichever directory it
        // last saw there for the 30 s entry timeout: probe outside the swaps.
        try fx.tree.file("probe.txt", "probe\n")
        try secret(fx, ".ssh/demo/sub/file")
        try fx.tree.symlink("projects.alt", to: ".ssh")
        try fx.tree.hardLink("projects/demo.alt/sub/file", to: ".ssh/demo/sub/file")
        try fx.mountLive(["--allow", "projects/demo", "--allow", "probe.txt"])
        let pid = try fx.daemonPID()
        let view = fx.mountpoint
        let root = open(fx.source, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let projects = open(fx.source + "/projects", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let demo = open(fx.source + "/projects/demo", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        XCTAssertTrue(root >= 0 && projects >= 0 && demo >= 0)
        defer {
            close(root)
            close(projects)
            close(demo)
        }

        let state = race(seconds: Self.raceSeconds(4), swappers: [
            { s in Self.exchangePairs(at: root, "projects", "projects.alt", state: s) },
            { s in Self.exchangePairs(at: projects, "demo", "demo.alt", state: s) },
            { s in
                while !s.stopped {
                    // Plain renames: `sub` leaves and comes back while its parents are swapped.
                    if renameat(demo, "sub", demo, "sub.moved") == 0 {
                        s.swaps.add(1, ordering: .relaxed)
                        sched_yield()
                        _ = renameat(demo, "sub.moved", demo, "sub")
                    }
                    sched_yield()
                }
            },
        ], readers: [
            { s in Self.readLoop(view + "/projects/demo/sub/file", state: s) },
            { s in Self.readLoop(view + "/projects/demo/sub/file", state: s) },
            { s in Self.readLoop(view + "/projects/demo/sub.moved/file", state: s) },
            { s in Self.listLoop([view, view + "/projects", view + "/projects/demo", view + "/projects/demo/sub"],
                                 forbidden: [".ssh", "projects.alt", "demo.alt"], state: s) },
        ])
        XCTAssertEqual(Posix.readFile(fx.source + "/projects/demo/sub/file"), .success(Self.allowed), "the tree was not restored")
        report(state, minimumSwaps: 1000)
        assertDaemonHealthy(fx, pid: pid, probe: "probe.txt", expected: Array("probe\n".utf8))
        sweep(fx, hidden: [".ssh", "projects.alt", "projects/demo.alt"])
    }

    // MARK: - Race machinery

    private func report(_ state: EscapeRaceState, minimumSwaps: Int, file: StaticString = #filePath, line: UInt = #line) {
        let leaks = state.leaks.withLock { $0 }
        XCTAssertEqual(leaks, [], "PROTECTED BYTES OR NAMES came back during the race", file: file, line: line)
        let (swaps, reads, ok) = (state.swaps.load(ordering: .relaxed), state.reads.load(ordering: .relaxed),
                                  state.okReads.load(ordering: .relaxed))
        XCTAssertGreaterThanOrEqual(swaps, minimumSwaps, "too few swaps to call it a race", file: file, line: line)
        XCTAssertGreaterThan(reads, 100, "too few reads to call it a race", file: file, line: line)
        XCTAssertGreaterThan(ok, 0, "not one read of the allowed content succeeded (\(reads) tries)", file: file, line: line)
        print("race: \(swaps) swaps, \(reads) reads, \(ok) returned the allowed bytes")
    }

    /// Exchanges `a` and `b` and back again until stopped, so both end where they began.
    private static func exchangePairs(_ a: String, _ b: String, state: EscapeRaceState) {
        while !state.stopped {
            exchangeOnce(a, b, state: state)
        }
    }

    private static func exchangeOnce(_ a: String, _ b: String, state: EscapeRaceState) {
        guard EscapeSyscalls.rename2(a, b, flags: EscapeSyscalls.renameExchange) == 0 else {
            sched_yield()
            return
        }
        state.swaps.add(1, ordering: .relaxed)
        sched_yield()
        while EscapeSyscalls.rename2(a, b, flags: EscapeSyscalls.renameExchange) != 0 {
            // Another swapper moved a parent: wait for it and retry, so the pair completes.
            if errno != ENOENT { break }
            sched_yield()
        }
        state.swaps.add(1, ordering: .relaxed)
        sched_yield()
    }

    private static func readLoop(_ path: String, state: EscapeRaceState) {
        while !state.stopped {
            state.reads.add(1, ordering: .relaxed)
            if case .success(let bytes) = Posix.readFile(path) {
                if EscapeByteSearch.contains(bytes, EscapeTestCase.markerBytes) {
                    state.leak("read \(path) returned protected bytes")
                } else if bytes == allowed {
                    state.okReads.add(1, ordering: .relaxed)
                }
            }
        }
    }

    private static func listLoop(_ directories: [String], forbidden: Set<String>, state: EscapeRaceState) {
        while !state.stopped {
            for dir in directories {
                guard case .success(let names) = EscapeRawFS.names(Array(dir.utf8)) else { continue }
                for name in names {
                    let text = String(decoding: name, as: UTF8.self)
                    if forbidden.contains(text) { state.leak("readdir \(dir) listed \(text)") }
                }
            }
        }
    }
}
