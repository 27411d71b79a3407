import Foundation
import GateAuditReader
import Glibc
import XCTest

/// Finding 3: a hidden name must be answered exactly like a missing one,
/// with the same reply (a negative entry) and the same negative timeout.
/// A hidden name answered with an uncached ENOENT makes every later stat
/// reach the daemon (about 25 µs) while a missing name's is served by the
/// kernel (about 2 µs): timing alone tells the agent which names exist.
final class EscapeTimingTests: EscapeTestCase {
    /// (a) Deterministic: the second stat of a hidden name, at once after the
    /// first, is answered by the kernel's negative cache, so the daemon sees
    /// (and logs) one lookup; a missing name gives no line at all.
    func testFinding3SecondStatOfAHiddenNameIsServedFromTheNegativeCacheLikeAMissingName() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.file("projects/demo/barrier.txt", "barrier\n")
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, "projects/demo/.env")
        try fx.mountLive(["--allow", "projects/demo"])
        let v = fx.mountpoint
        let hidden = [".ssh", "projects/demo/.env"]
        // `.env.*` is a secret pattern too, but nothing has that name: it is only missing.
        let missing = ["no-such-name", "projects/demo/.env.absent"]

        for relative in hidden + missing {
            var first = stat(), second = stat()
            let started = Date()
            let e1 = stat(v + "/" + relative, &first) == 0 ? 0 : errno
            let e2 = stat(v + "/" + relative, &second) == 0 ? 0 : errno
            let elapsed = Date().timeIntervalSince(started)
            XCTAssertEqual([e1, e2], [ENOENT, ENOENT], "stat \(relative) twice: \(Posix.name(e1)), \(Posix.name(e2))")
            XCTAssertLessThan(elapsed, 0.5, "the two stats of \(relative) were not within 0.5 s")
        }
        for relative in hidden {
            XCTAssertNotNil(AgentAuditLog.wait(for: fx.log) { $0.event == "deny" && $0.path == relative },
                            "no deny line for hidden \(relative)")
        }
        guard let lines = AgentAuditLog.barrier(log: fx.log, view: v, file: "projects/demo/barrier.txt") else {
            return XCTFail("the barrier open never reached the log")
        }
        for relative in hidden {
            let denies = lines.filter { $0.event == "deny" && $0.path == relative }
            XCTAssertEqual(denies.count, 1,
                           "two stats of hidden \(relative) within 0.5 s reached the daemon \(denies.count) times; "
                           + "a missing name's second stat is answered by the kernel: \(denies)")
        }
        for relative in missing {
            XCTAssertEqual(lines.filter { $0.path == relative }.count, 0, "lines for the missing \(relative)")
        }
    }

    /// (b) Statistical: the second stat of 200 hidden names and of 200
    /// missing names of the same shape (`hNNN.pem` in one directory) take
    /// the same time. Tolerance: the two medians may differ by 20% of the
    /// larger one or by 3 µs, whichever is larger (today they differ by
    /// about 20 µs). Up to three measurements, each on fresh names, before
    /// failing, so a noisy moment on a shared machine does not decide it.
    func testFinding3SecondStatOfHiddenAndMissingNamesTakesTheSameTime() throws {
        let fx = try makeFixture()
        let attempts = 3, count = 200
        try fx.tree.file("projects/demo/README.md", "readme\n")
        for k in 0..<attempts {
            for i in 0..<count {
                try fx.tree.file("projects/demo/t\(k)/" + String(format: "h%03d.pem", i), Self.marker + "\n")
            }
        }
        try fx.mountLive(["--allow", "projects/demo"])

        var reports: [String] = []
        for k in 0..<attempts {
            let dir = fx.mountpoint + "/projects/demo/t\(k)/"
            let hidden = (0..<count).map { dir + String(format: "h%03d.pem", $0) }
            let missing = (count..<2 * count).map { dir + String(format: "h%03d.pem", $0) }
            let (h, m) = Self.secondStatMedians(hidden: hidden, missing: missing)
            let tolerance = max(0.2 * max(h.median, m.median), 3_000)
            let report = String(format: "attempt %d: second stat median hidden %.1f µs, missing %.1f µs (tolerance %.1f µs)",
                                k + 1, h.median / 1000, m.median / 1000, tolerance / 1000)
            print(report)
            reports.append(report)
            XCTAssertEqual(h.errnos, [ENOENT], "stat of the hidden names: \(h.errnos.map(Posix.name))")
            XCTAssertEqual(m.errnos, [ENOENT], "stat of the missing names: \(m.errnos.map(Posix.name))")
            if abs(h.median - m.median) <= tolerance { return }
        }
        XCTFail("a hidden name's second stat is told apart from a missing name's by its time:\n"
                + reports.joined(separator: "\n"))
    }

    /// Stats every name once (hidden and missing interleaved), then times
    /// a second stat of each, in the same order: the medians in ns and the
    /// errnos seen on the second stat.
    private static func secondStatMedians(
        hidden: [String], missing: [String]
    ) -> (hidden: (median: Double, errnos: Set<Int32>), missing: (median: Double, errnos: Set<Int32>)) {
        for (a, b) in zip(hidden, missing) {
            _ = timedStat(a)
            _ = timedStat(b)
        }
        var (hiddenTimes, missingTimes) = ([Double](), [Double]())
        var (hiddenErrnos, missingErrnos) = (Set<Int32>(), Set<Int32>())
        for (a, b) in zip(hidden, missing) {
            let h = timedStat(a)
            let m = timedStat(b)
            hiddenTimes.append(h.ns)
            missingTimes.append(m.ns)
            hiddenErrnos.insert(h.errno)
            missingErrnos.insert(m.errno)
        }
        return ((median(hiddenTimes), hiddenErrnos), (median(missingTimes), missingErrnos))
    }

    /// stat(2) timed with CLOCK_MONOTONIC around the call alone.
    private static func timedStat(_ path: String) -> (ns: Double, errno: Int32) {
        path.withCString { p in
            var st = stat()
            var t0 = timespec(), t1 = timespec()
            clock_gettime(CLOCK_MONOTONIC, &t0)
            let rc = stat(p, &st)
            let e = rc == 0 ? 0 : errno
            clock_gettime(CLOCK_MONOTONIC, &t1)
            return (Double(t1.tv_sec - t0.tv_sec) * 1e9 + Double(t1.tv_nsec - t0.tv_nsec), e)
        }
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
