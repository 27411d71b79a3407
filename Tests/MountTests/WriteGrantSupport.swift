import Foundation
import GateAuditReader
import Glibc
import XCTest

/// What the write-grant tests share (issue 12): the grant flag, a tool
/// script run once natively and once through the view at the same path,
/// and the comparison of the two results.
enum WriteGrant {
    /// The grant every write test mounts with: `projects/demo` is visible and writable.
    static let project = "projects/demo"
    static let flags = ["--allow-write", project]

    /// git's identity and clock, fixed so that the same steps give the same
    /// commit ids natively and through the view; no system or global config.
    static let gitEnvironment = [
        "GIT_AUTHOR_NAME": "Agent", "GIT_AUTHOR_EMAIL": "agent@example.invalid",
        "GIT_COMMITTER_NAME": "Agent", "GIT_COMMITTER_EMAIL": "agent@example.invalid",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    ]

    /// Runs `script` with /bin/sh in `directory`, which a private mount
    /// namespace binds at `fx.directory/pinned` first. Both runs of a
    /// comparison see the same absolute path, so what tools write into
    /// their files (venv's pyvenv.cfg and shebangs, .pyc file names) is the
    /// same whether `directory` is native or inside the view.
    static func runPinned(
        _ fx: MountFixture, in directory: String, _ script: String, environment: [String: String] = [:],
        timeout: Double = 300
    ) throws -> ProcessResult {
        let pinned = fx.directory + "/pinned"
        if mkdir(pinned, 0o755) != 0 && errno != EEXIST {
            throw MountFixture.Failure(description: "mkdir \(pinned): \(String(cString: strerror(errno)))")
        }
        guard let unshare = HostTools.find("unshare") else { throw XCTSkip("unshare (util-linux) is not installed") }
        let bind = #"mount --bind "$1" "$2" && cd "$2" && exec /bin/sh -c "$3""#
        return try fx.run(
            [unshare, "--mount", "--propagation", "private", "/bin/sh", "-c", bind, "sh", directory, pinned, script],
            environment: environment, timeout: timeout)
    }

    /// The same script natively (in `fx.directory/native/NAME`) and through
    /// the view (in `projects/demo/NAME`), each in a fresh empty directory.
    static func runTwice(
        _ fx: MountFixture, name: String, _ script: String, environment: [String: String] = [:]
    ) throws -> (native: ToolRun, view: ToolRun) {
        let native = fx.directory + "/native/" + name
        try TreeBuilder(root: fx.directory).directory("native/" + name)
        let nativeResult = try runPinned(fx, in: native, script, environment: environment)
        let inView = fx.mountpoint + "/" + project + "/" + name
        guard mkdir(inView, 0o755) == 0 else {
            throw MountFixture.Failure(description: "mkdir \(inView) through the view: \(Posix.name(errno))")
        }
        let viewResult = try runPinned(fx, in: inView, script, environment: environment)
        return (ToolRun(result: nativeResult, tree: try TreeSnapshot(of: native)),
                ToolRun(result: viewResult, tree: try TreeSnapshot(of: fx.source + "/" + project + "/" + name)))
    }

    /// The deny lines of the log so far, as "path rule errno" for messages.
    static func denies(_ log: String) -> [String] {
        AgentAuditLog.load(log).filter { $0.event == "deny" }.map { "\($0.path) \($0.rule ?? "-") \($0.errno ?? "-")" }
    }
}

/// One run of a tool script: what it printed and the tree it left (read on the host).
struct ToolRun {
    let result: ProcessResult
    let tree: TreeSnapshot
}

extension MountTestCase {
    /// The native run succeeded, and the view's run ended the same way,
    /// printed the same, and left the same tree (`ignoring` paths aside).
    func assertSameAsNative(
        _ runs: (native: ToolRun, view: ToolRun), ignoring: Set<String> = [], file: StaticString = #filePath, line: UInt = #line
    ) {
        let (native, view) = runs
        XCTAssertEqual(native.result.exitCode, 0, "the native run failed:\n\(native.result)", file: file, line: line)
        XCTAssertEqual(view.result.termination, native.result.termination, "through the view:\n\(view.result)", file: file, line: line)
        XCTAssertEqual(view.result.stdout, native.result.stdout, "stdout through the view differs from native", file: file, line: line)
        let differences = view.tree.contentDifferences(from: native.tree).filter { !ignoring.contains($0) }
        XCTAssertEqual(differences.prefix(40), [], "the trees differ (\(differences.count) paths)", file: file, line: line)
    }

    /// A deny line for one of `paths` with `errno` (a name such as
    /// "EACCES"), and with `rule` when given (else any rule at all).
    @discardableResult
    func assertWriteDenied(
        _ fx: MountFixture, _ paths: Set<String>, errno: String, rule: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) -> AuditRecord? {
        let lines = AgentAuditLog.wait(for: fx.log, timeout: 10) {
            $0.event == "deny" && paths.contains($0.path) && $0.errno == errno && (rule == nil || $0.rule == rule)
        }
        let found = lines?.last { $0.event == "deny" && paths.contains($0.path) && $0.errno == errno && (rule == nil || $0.rule == rule) }
        XCTAssertNotNil(found, """
            no deny line for \(paths.sorted()) with errno \(errno)\(rule.map { " and rule \($0)" } ?? "")
            deny lines: \(WriteGrant.denies(fx.log).suffix(30))
            """, file: file, line: line)
        if let found { XCTAssertFalse(found.rule?.isEmpty ?? true, "deny line without a rule: \(found)", file: file, line: line) }
        return found
    }
}
