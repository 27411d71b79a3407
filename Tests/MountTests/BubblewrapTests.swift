import Foundation
import GateAuditReader
import Glibc
import XCTest

/// The container checks again with bubblewrap, the fast path for an agent
/// launched without a container engine: a real non-root user (uid 1000 via
/// setpriv) in a bwrap sandbox with the view bound at /workspace.
/// bwrap puts the sandbox in no cgroup of its own, so the audit lines carry
/// no `container`; the uid and the process name identify the agent.
final class BubblewrapTests: MountTestCase {
    func testUser1000ReadsExactlyTheVisibleSetThroughBubblewrap() throws {
        let (fx, bwrap) = try makeAgentFixture()
        try fx.mountLive(AgentHome.allow + ["--allow-other"])

        let cat = try sandbox(bwrap, fx, "cat /workspace/projects/demo/README.md")
        XCTAssertEqual(cat.exitCode, 0, "\(cat)")
        XCTAssertEqual(cat.stdout, AgentHome.readme)

        let find = try sandbox(bwrap, fx, "find /workspace")
        XCTAssertEqual(find.exitCode, 0, "\(find)")
        assertSameEntries(find.stdout.split(separator: "\n").map(String.init), AgentHome.visible, "find /workspace in bwrap")

        let ls = try sandbox(bwrap, fx, "ls -la /workspace/.ssh")
        XCTAssertNotEqual(ls.exitCode, 0, "ls -la /workspace/.ssh succeeded:\n\(ls)")
        XCTAssertTrue(ls.stderr.contains("No such file or directory"), "\(ls)")

        // default_permissions: a 0600 root file stays closed to uid 1000.
        let privateFile = try sandbox(bwrap, fx, "cat /workspace/projects/demo/private.txt")
        XCTAssertNotEqual(privateFile.exitCode, 0, "\(privateFile)")
        XCTAssertTrue(privateFile.stderr.contains("Permission denied"), "\(privateFile)")

        let probe = try sandbox(bwrap, fx, AgentHome.probe, AgentHome.mustNotExist(fx))
        XCTAssertEqual(probe.stdout, "PROBED\n", "paths that must not exist in the sandbox:\n\(probe)")
        for (path, marker) in AgentHome.hiddenFiles {
            XCTAssertFalse(cat.stdout.contains(marker) || find.stdout.contains(marker) || probe.stdout.contains(marker), "\(path) leaked")
        }

        // The audit log: uid 1000, the tool's own name, no container.
        guard let lines = AgentAuditLog.barrier(log: fx.log, view: fx.mountpoint, file: "projects/demo/src/main.py") else {
            return XCTFail("the barrier read was never logged:\n\(AgentAuditLog.load(fx.log))")
        }
        let agent = lines.filter { $0.uid == BubblewrapSandbox.agentUID }
        let open = agent.first { $0.event == "open" && $0.path == "projects/demo/README.md" }
        XCTAssertEqual(open?.process, "cat", "\(agent)")
        XCTAssertEqual(open?.result, "ok")
        XCTAssertEqual(
            Set(agent.filter { $0.event == "readdir" && $0.process == "find" }.map(\.path)),
            [".", "projects", "projects/demo", "projects/demo/src"], "\(agent)")
        let deny = agent.first { $0.event == "deny" && $0.path == ".ssh" }
        XCTAssertEqual(deny?.rule, "secret:ssh", "\(agent)")
        XCTAssertEqual(deny?.process, "ls")
        XCTAssertEqual(agent.compactMap(\.container), [], "bwrap has no container cgroup")
        // The kernel refused private.txt (0600) before asking gatefs.
        XCTAssertFalse(agent.contains { $0.event == "open" && $0.path == "projects/demo/private.txt" }, "\(agent)")
    }

    /// Without allow_other the kernel refuses every uid but the mounter's.
    /// bwrap, already running as uid 1000, cannot even stat the view to
    /// bind it, so the sandbox never starts ("Can't get type of source").
    func testWithoutAllowOtherBubblewrapCannotBindTheView() throws {
        let (fx, bwrap) = try makeAgentFixture()
        let mount = try fx.mountLive(AgentHome.allow)
        XCTAssertTrue(mount.stderr.contains("--allow-other"), "gatefs mount did not warn:\n\(mount)")

        let refused = try sandbox(bwrap, fx, "echo SANDBOX-STARTED; cat /workspace/projects/demo/README.md")
        XCTAssertNotEqual(refused.exitCode, 0, "\(refused)")
        XCTAssertFalse(refused.stdout.contains("SANDBOX-STARTED"), "the sandbox started:\n\(refused)")
        XCTAssertTrue(refused.stderr.contains("Permission denied"), "\(refused)")

        let lines = AgentAuditLog.barrier(log: fx.log, view: fx.mountpoint, file: "projects/demo/src/main.py")
        XCTAssertNotNil(lines, "the barrier read was never logged")
        XCTAssertEqual((lines ?? []).filter { $0.uid == BubblewrapSandbox.agentUID }.map(\.description), [])

        let second = fx.directory + "/view-allow-other"
        XCTAssertEqual(mkdir(second, 0o755), 0)
        try fx.mountLive(AgentHome.allow + ["--allow-other"], at: second, log: fx.directory + "/state/second.jsonl")
        let allowed = try sandbox(bwrap, fx, view: second, "cat /workspace/projects/demo/README.md")
        XCTAssertEqual(allowed.exitCode, 0, "\(allowed)")
        XCTAssertEqual(allowed.stdout, AgentHome.readme)
    }

    func testKillingTheDaemonGivesIOErrorsInTheSandboxAndUnmountRecovers() throws {
        let (fx, bwrap) = try makeAgentFixture()
        try fx.mountLive(AgentHome.allow + ["--allow-other"])
        let loop = try BackgroundCommand(
            bwrap.arguments(view: fx.mountpoint, script: AgentHome.readLoop),
            environment: fx.environment, outputDirectory: fx.directory)
        addTeardownBlock { loop.stop() }

        XCTAssertTrue(loop.waitForOutput("READY", timeout: 30), "the sandbox never read the view:\n\(loop.report)")
        let daemon = try fx.daemonPID()
        XCTAssertEqual(kill(daemon, SIGKILL), 0)
        XCTAssertTrue(ProcFS.waitUntilGone(daemon, timeout: 10), "daemon \(daemon) survived SIGKILL")

        XCTAssertEqual(loop.wait(timeout: 60), .exited(0), loop.report)
        for problem in AgentHome.readLoopProblems(loop.stdout) {
            XCTFail("\(problem)\n\(loop.report)")
        }

        let unmount = try fx.unmount()
        XCTAssertEqual(unmount.exitCode, 0, "\(unmount)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "the stale view is still mounted")
        assertListing(fx.mountpoint, [])
    }

    // MARK: - Helpers

    private func makeAgentFixture() throws -> (MountFixture, BubblewrapSandbox) {
        let bwrap = try BubblewrapSandbox.require()
        let fx = try makeFixture()
        try AgentHome.build(fx)
        return (fx, bwrap)
    }

    private func sandbox(
        _ bwrap: BubblewrapSandbox, _ fx: MountFixture, view: String? = nil, _ script: String, _ arguments: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> ProcessResult {
        let result = try fx.run(bwrap.arguments(view: view ?? fx.mountpoint, script: script, scriptArguments: arguments), timeout: 60)
        XCTAssertNotEqual(result.termination, .timedOut, "\(result)", file: file, line: line)
        return result
    }
}
