import Foundation
import Glibc
import Synchronization
import XCTest

/// The write side of the swap races (issue 12): while agents create,
/// write, truncate and rename through the view inside the grant, the host
/// exchanges the directory they write into with a symlink into ~/.ssh,
/// thousands of times. Every write resolves its name from a verified
/// parent descriptor, so it lands in the real directory (whatever its name
/// at that instant) or fails; never in .ssh, never outside the grant.
final class WriteRaceTests: EscapeTestCase {
    /// The names each agent write landed under, for the check afterwards.
    final class Landed: Sendable {
        let names = Mutex<[String: [UInt8]]>([:])
    }

    func testParentSwappedForALinkIntoSSHWhileTheAgentWrites() throws {
        let fx = try makeFixture()
        try fx.tree.directory("projects/demo/sub")
        try fx.tree.file("projects/demo/probe.txt", "probe\n")
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, ".ssh/authorized_keys")
        try fx.tree.symlink("projects/demo/swap", to: "../../.ssh")
        try fx.mountLive(WriteGrant.flags)
        let pid = try fx.daemonPID()
        let ssh = try TreeSnapshot(of: fx.source + "/.ssh")
        let outside = try TreeSnapshot(of: fx.source).filtered { _ in true }.without(prefix: "projects/demo")
        let topLevel = try DirectoryListing.names(fx.directory)
        let demo = open(fx.source + "/projects/demo", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(demo, 0)
        defer { close(demo) }
        let view = fx.mountpoint + "/projects/demo/sub"
        let landed = Landed()
        // The kernel keeps the name `sub` bound to the directory for the entry
        // timeout, so every write below reaches the daemon as an op on that
        // directory's inode, which the daemon must re-open by name from its
        // parent while the host swaps that name. (Looked up first during a
        // swap, `sub` would be the hidden link: a negative entry, and every
        // write would fail in the kernel without a race.)
        try Data("warm\n".utf8).write(to: URL(fileURLWithPath: view + "/warm"))
        landed.names.withLock { $0["warm"] = Array("warm\n".utf8) }

        let state = race(seconds: Self.raceSeconds(4), swappers: [{ s in
            Self.exchangePairs(at: demo, "sub", "swap", state: s)
        }], readers: (0..<3).map { agent in { s in Self.writeLoop(view, agent: agent, landed: landed, state: s) } })

        let (swaps, attempts, ok) = (state.swaps.load(ordering: .relaxed), state.reads.load(ordering: .relaxed),
                                     state.okReads.load(ordering: .relaxed))
        print("write race: \(swaps) swaps, \(attempts) writes tried, \(ok) landed")
        XCTAssertGreaterThanOrEqual(swaps, 1000, "too few swaps to call it a race")
        XCTAssertGreaterThan(ok, 0, "not one write through the view succeeded (\(attempts) tries)")
        XCTAssertEqual(state.leaks.withLock { $0 }, [])
        XCTAssertEqual(Posix.readLink(fx.source + "/projects/demo/swap"), .success("../../.ssh"), "the tree was not restored")

        XCTAssertEqual(try TreeSnapshot(of: fx.source + "/.ssh").differences(from: ssh), [], "something under .ssh changed")
        XCTAssertEqual(try TreeSnapshot(of: fx.source).filtered { _ in true }.without(prefix: "projects/demo"), outside,
                       "something outside the grant changed")
        XCTAssertEqual(try DirectoryListing.names(fx.directory), topLevel, "a file appeared next to the source")
        // Every write that succeeded is in the real directory, with its bytes.
        let host = fx.source + "/projects/demo/sub/"
        for (name, bytes) in landed.names.withLock({ $0 }) {
            XCTAssertEqual(Posix.readFile(host + name), .success(bytes), "\(name), written through the view")
        }
        assertDaemonHealthy(fx, pid: pid, probe: "projects/demo/probe.txt", expected: Array("probe\n".utf8))
        sweep(fx, hidden: [".ssh", "projects/demo/swap"])
    }

    /// Creates `agent-N-i` (O_EXCL), writes it, renames it to `done-N-i`,
    /// and truncates+rewrites `authorized_keys` (the name that exists in
    /// .ssh) until stopped. `reads` counts tries, `okReads` full successes.
    private static func writeLoop(_ dir: String, agent: Int, landed: Landed, state: EscapeRaceState) {
        var i = 0
        while !state.stopped {
            i += 1
            state.reads.add(1, ordering: .relaxed)
            let bytes = Array("agent \(agent) write \(i)\n".utf8)
            let (temp, final) = ("agent-\(agent)-\(i)", "done-\(agent)-\(i)")
            if writeFile(dir + "/" + temp, bytes, flags: O_CREAT | O_EXCL), rename(dir + "/" + temp, dir + "/" + final) == 0 {
                landed.names.withLock { $0[final] = bytes }
                state.okReads.add(1, ordering: .relaxed)
            }
            if writeFile(dir + "/authorized_keys", bytes, flags: O_CREAT | O_TRUNC) {
                landed.names.withLock { $0["authorized_keys"] = bytes }
            }
        }
        // The last successful write of the shared name is what stays.
        _ = writeFile(dir + "/authorized_keys", Array("agent \(agent) final\n".utf8), flags: O_CREAT | O_TRUNC)
        landed.names.withLock { $0["authorized_keys"] = nil }
    }

    private static func writeFile(_ path: String, _ bytes: [UInt8], flags: Int32) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0o644)
        guard fd >= 0 else { return false }
        let n = write(fd, bytes, bytes.count)
        return close(fd) == 0 && n == bytes.count
    }
}

extension TreeSnapshot.Filtered {
    /// The same without `prefix` and everything beneath it.
    func without(prefix: String) -> TreeSnapshot.Filtered {
        TreeSnapshot.Filtered(nodes: nodes.filter { $0.key != prefix && !$0.key.hasPrefix(prefix + "/") })
    }
}
