import Foundation
import Glibc
import XCTest

/// The POSIX list (`PosixChecks`) run as root in a native directory and in a
/// write-granted directory of the view, in one test: every check must give
/// the same lines on both sides, except the documented deliberate refusals
/// (set-id bits stripped from regular files, device nodes, symlink targets
/// outside the view), whose own checks assert the refusal.
final class PosixConformanceTests: MountTestCase {
    func testWriteGrantedViewAnswersThePosixListLikeNative() throws {
        let checks = PosixChecks.all
        let fx = try makeFixture()
        // uid 1000 must reach both sides for the checks that switch to it.
        XCTAssertEqual(chmod(fx.directory, 0o755), 0)
        let native = fx.directory + "/native"
        try Self.makeCheckDirectories(count: checks.count, under: native)
        try Self.makeCheckDirectories(count: checks.count, under: fx.tree.path("work"))
        try fx.mountLive(["--allow-write", "work", "--allow-other"])

        let differences = Self.compare(checks, native: native, view: fx.mountpoint + "/work")
        print("posix: \(checks.count) checks, \(differences.count) differences")
        for d in differences { XCTFail(d) }
    }

    /// The list against itself on two native directories: a check whose
    /// lines depend on where or when it ran would make the real comparison
    /// meaningless, and the refusal lines must be something native does not give.
    func testPosixListGivesTheSameLinesTwiceNatively() throws {
        let checks = PosixChecks.all
        XCTAssertEqual(Set(checks.map(\.name)).count, checks.count, "check names must be unique")
        XCTAssertGreaterThanOrEqual(checks.count, 100)
        let fx = try makeFixture()
        XCTAssertEqual(chmod(fx.directory, 0o755), 0)
        let (one, two) = (fx.directory + "/one", fx.directory + "/two")
        try Self.makeCheckDirectories(count: checks.count, under: one)
        try Self.makeCheckDirectories(count: checks.count, under: two)
        var differences = 0
        for (i, check) in checks.enumerated() {
            let a = check.run(in: Self.checkDirectory(i, under: one))
            let b = check.run(in: Self.checkDirectory(i, under: two))
            if a != b {
                differences += 1
                XCTFail("\(check.name): two native runs differ\n  first:  \(a)\n  second: \(b)")
            }
            if let refusal = check.refusal, a == refusal {
                XCTFail("\(check.name): native already gives the refusal's lines, so the check shows nothing: \(a)")
            }
        }
        print("posix native self-check: \(checks.count) checks, \(differences) differences")
    }

    static func checkDirectory(_ index: Int, under root: String) -> String {
        root + "/" + "c" + String(index + 1000).dropFirst()
    }

    static func makeCheckDirectories(count: Int, under root: String) throws {
        try TreeBuilder(root: root).directory("")
        for i in 0..<count where mkdir(checkDirectory(i, under: root), 0o755) != 0 {
            throw MountFixture.Failure(description: "mkdir \(checkDirectory(i, under: root)): \(Posix.name(errno))")
        }
    }

    /// Runs every check natively and then through the view (each in its own
    /// directory) and describes each check whose outcome is not the expected one.
    static func compare(_ checks: [PosixCheck], native: String, view: String) -> [String] {
        var out: [String] = []
        for (i, check) in checks.enumerated() {
            let n = check.run(in: checkDirectory(i, under: native))
            let v = check.run(in: checkDirectory(i, under: view))
            if let refusal = check.refusal {
                if v != refusal || n == refusal {
                    out.append("\(check.name) (deliberate refusal):\n\(describe(native: n, view: v, expected: refusal))")
                }
            } else if n != v {
                out.append("\(check.name):\n\(describe(native: n, view: v, expected: nil))")
            }
        }
        return out
    }

    static func describe(native: [String], view: [String], expected: [String]?) -> String {
        var text = ""
        for i in 0..<max(native.count, view.count) {
            let (n, v) = (i < native.count ? native[i] : "-", i < view.count ? view[i] : "-")
            text += (n == v ? "    " : "  ≠ ") + "native: \(n)" + (n == v ? "" : "\n      view:   \(v)") + "\n"
        }
        if let expected { text += "  the view must give: \(expected)\n" }
        return text
    }
}
