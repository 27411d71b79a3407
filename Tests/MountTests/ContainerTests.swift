import Foundation
import GateAuditReader
import Glibc
import XCTest

/// The headline workflow, end to end with a real container runtime: mount
/// a view, give it to a podman container (rootful, runc, `--network none`)
/// as its workspace, and check what the container printed and what the
/// audit log says about it. Podman's setup is `.ci/setup-containers`.
final class ContainerTests: MountTestCase {
    // MARK: - 1. Reading the view, as root and as the agent user

    func testContainerReadsTheViewAsRootAndAsUser1000() throws {
        let (fx, podman) = try makeAgentFixture()
        try fx.mountLive(AgentHome.allow + ["--allow-other"])

        for user in [nil, "1000:1000"] {
            let (result, id) = try runContainer(podman, fx, user: user, ["cat", "/workspace/projects/demo/README.md"])
            XCTAssertEqual(result.exitCode, 0, "as \(user ?? "root"):\n\(result)")
            XCTAssertEqual(result.stdout, AgentHome.readme, "as \(user ?? "root")")
            // 3. The read is attributed to the container that podman reports, and to `cat`.
            let uid: UInt32 = user == nil ? 0 : 1000
            let lines = AgentAuditLog.wait(for: fx.log) {
                $0.event == "open" && $0.path == "projects/demo/README.md" && $0.container == id
            }
            let open = lines?.first { $0.event == "open" && $0.container == id }
            XCTAssertNotNil(open, "no open line for container \(id) in:\n\(AgentAuditLog.load(fx.log))")
            XCTAssertEqual(open?.process, "cat")
            XCTAssertEqual(open?.uid, uid)
            XCTAssertEqual(open?.result, "ok")
        }

        // default_permissions: the kernel checks the file's own mode, so a
        // 0600 root file in the view is not readable by uid 1000, only by root.
        let (denied, _) = try runContainer(podman, fx, user: "1000:1000", ["cat", "/workspace/projects/demo/private.txt"])
        XCTAssertNotEqual(denied.exitCode, 0, "uid 1000 read a 0600 root file:\n\(denied)")
        XCTAssertTrue(denied.stderr.contains("Permission denied"), "\(denied)")
        XCTAssertEqual(denied.stdout, "")
        let (asRoot, _) = try runContainer(podman, fx, ["cat", "/workspace/projects/demo/private.txt"])
        XCTAssertEqual(asRoot.stdout, "root only\n", "\(asRoot)")
    }

    // MARK: - 2. Exactly the visible set, nothing of the host

    func testContainerSeesExactlyTheVisibleSetAndNothingOfTheHost() throws {
        let (fx, podman) = try makeAgentFixture()
        try fx.mountLive(AgentHome.allow + ["--allow-other"])

        let (find, findID) = try runContainer(podman, fx, user: "1000:1000", ["find", "/workspace"])
        XCTAssertEqual(find.exitCode, 0, "\(find)")
        assertSameEntries(find.stdout.split(separator: "\n").map(String.init), AgentHome.visible, "find /workspace in the container")
        let readdirs = AgentAuditLog.wait(for: fx.log) { $0.event == "readdir" && $0.path == "projects/demo/src" }
            ?? AgentAuditLog.load(fx.log)
        let listed = readdirs.filter { $0.event == "readdir" && $0.container == findID }
        XCTAssertEqual(Set(listed.map(\.path)), [".", "projects", "projects/demo", "projects/demo/src"], "\(readdirs)")
        XCTAssertEqual(Set(listed.map(\.process)), ["find"], "\(listed)")

        let (ls, lsID) = try runContainer(podman, fx, ["ls", "-la", "/workspace/.ssh"])
        XCTAssertNotEqual(ls.exitCode, 0, "ls -la /workspace/.ssh succeeded:\n\(ls)")
        XCTAssertTrue(ls.stderr.contains("No such file or directory"), "\(ls)")
        let denials = AgentAuditLog.wait(for: fx.log) { $0.event == "deny" && $0.container == lsID }
        let deny = denials?.first { $0.event == "deny" && $0.container == lsID }
        XCTAssertEqual(deny?.path, ".ssh", "\(denials ?? [])")
        XCTAssertEqual(deny?.rule, "secret:ssh")
        XCTAssertEqual(deny?.process, "ls")

        let probe = try runContainer(podman, fx, ["sh", "-c", AgentHome.probe, "sh"] + AgentHome.mustNotExist(fx)).0
        XCTAssertEqual(probe.stdout, "PROBED\n", "paths that must not exist in the container:\n\(probe)")
        for (path, marker) in AgentHome.hiddenFiles {
            XCTAssertFalse(find.stdout.contains(marker) || probe.stdout.contains(marker), "\(path) leaked")
        }
    }

    // MARK: - 4. Without --allow-other

    /// Without allow_other the kernel lets a process into a FUSE mount only
    /// if its uid AND gid equal the mounter's (0:0 here); privilege does not
    /// bypass it (root with gid 1000 is refused too, CAP_SYS_ADMIN or not,
    /// unless fuse's allow_sys_admin_access parameter is set). Rootful
    /// podman's runc binds the view as 0:0, so the container starts, and a
    /// container process running as 0:0 still reads it. The agent user 1000
    /// gets EACCES on everything: its `cat` fails, and gatefs never sees a
    /// request. (With docker, whose daemon runs as root, and a view mounted
    /// by a normal user, the bind itself fails: moby#19710. /dev/fuse is
    /// 0600 on these machines, so a non-root user cannot mount to show that.)
    func testWithoutAllowOtherTheAgentUserIsRefusedAndMountWarned() throws {
        let (fx, podman) = try makeAgentFixture()
        let mount = try fx.mountLive(AgentHome.allow)
        XCTAssertTrue(mount.stderr.contains("--allow-other"), "gatefs mount did not warn:\n\(mount)")
        XCTAssertEqual(KernelMounts.mount(at: fx.mountpoint)?.superOptions.contains("allow_other"), false)

        let (refused, _) = try runContainer(podman, fx, user: "1000:1000", ["cat", "/workspace/projects/demo/README.md"])
        XCTAssertNotEqual(refused.exitCode, 0, "uid 1000 read a view mounted without --allow-other:\n\(refused)")
        XCTAssertTrue(refused.stderr.contains("Permission denied"), "\(refused)")
        XCTAssertFalse(refused.stdout.contains("agent may read"), "\(refused)")

        let (asRoot, _) = try runContainer(podman, fx, ["cat", "/workspace/projects/demo/README.md"])
        XCTAssertEqual(asRoot.stdout, AgentHome.readme, "container root is the mount's owner (0:0):\n\(asRoot)")
        let (rootOtherGroup, _) = try runContainer(podman, fx, user: "0:1000", ["cat", "/workspace/projects/demo/README.md"])
        XCTAssertTrue(rootOtherGroup.stderr.contains("Permission denied"), "uid 0 with gid 1000 is not the owner:\n\(rootOtherGroup)")

        let lines = AgentAuditLog.barrier(log: fx.log, view: fx.mountpoint, file: "projects/demo/src/main.py")
        XCTAssertNotNil(lines, "the barrier read was never logged")
        XCTAssertEqual((lines ?? []).filter { $0.uid == 1000 }.map(\.description), [], "the kernel should refuse uid 1000 before gatefs sees it")

        // The same view with --allow-other: the agent user reads it.
        let second = fx.directory + "/view-allow-other"
        XCTAssertEqual(mkdir(second, 0o755), 0)
        let withFlag = try fx.mountLive(AgentHome.allow + ["--allow-other"], at: second, log: fx.directory + "/state/second.jsonl")
        XCTAssertFalse(withFlag.stderr.contains("--allow-other"), "warned although --allow-other was given:\n\(withFlag)")
        let (allowed, _) = try runContainer(podman, fx, user: "1000:1000", view: second, ["cat", "/workspace/projects/demo/README.md"])
        XCTAssertEqual(allowed.exitCode, 0, "\(allowed)")
        XCTAssertEqual(allowed.stdout, AgentHome.readme)
    }

    // MARK: - 5. The daemon dies while the container reads

    func testKillingTheDaemonGivesIOErrorsInTheContainerAndUnmountRecovers() throws {
        let (fx, podman) = try makeAgentFixture()
        try fx.mountLive(AgentHome.allow + ["--allow-other"])
        let cidfile = newCidfile(podman, fx)
        let loop = try BackgroundCommand(
            podman.runArguments(view: fx.mountpoint, cidfile: cidfile, user: "1000:1000", command: ["sh", "-c", AgentHome.readLoop]),
            environment: fx.environment.merging(podman.environment) { $1 }, outputDirectory: fx.directory)
        addTeardownBlock { loop.stop() }

        XCTAssertTrue(loop.waitForOutput("READY", timeout: 60), "the container never read the view:\n\(loop.report)")
        let daemon = try fx.daemonPID()
        XCTAssertEqual(kill(daemon, SIGKILL), 0)
        XCTAssertTrue(ProcFS.waitUntilGone(daemon, timeout: 10), "daemon \(daemon) survived SIGKILL")

        XCTAssertEqual(loop.wait(timeout: 60), .exited(0), loop.report)
        for problem in AgentHome.readLoopProblems(loop.stdout) {
            XCTFail("\(problem)\n\(loop.report)")
        }
        XCTAssertEqual(try fx.statusEntry()?.state, "stale")

        let unmount = try fx.unmount()
        XCTAssertEqual(unmount.exitCode, 0, "\(unmount)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "the stale view is still mounted")
        assertListing(fx.mountpoint, [])
    }

    // MARK: - Mount propagation

    /// A container bound to a view's mountpoint before the view is mounted
    /// sees the empty directory forever: podman's and docker's binds are
    /// private. Binding the PARENT directory with rshared (or rslave) lets
    /// a later mount beneath it appear inside, but only if that parent is a
    /// shared mount on the host. Here / is private (no systemd), so the test
    /// makes the parent a shared bind mount of itself, as the README says.
    func testAViewMountedAfterTheContainerStartsAppearsThroughAnRsharedParent() throws {
        let (fx, podman) = try makeAgentFixture()
        let parent = fx.directory + "/agent"
        let view = parent + "/view"
        XCTAssertEqual(mkdir(parent, 0o755), 0)
        guard let mountTool = HostTools.find("mount") else { return XCTFail("no mount(8)") }
        let bind = try fx.run([mountTool, "--bind", parent, parent])
        XCTAssertEqual(bind.exitCode, 0, "\(bind)")
        addTeardownBlock {
            // The view first (it lies inside), then our own bind mount, by exact path.
            if KernelMounts.isMounted(view) { _ = try? fx.unmount(view) }
            if KernelMounts.mount(at: parent)?.fsType != "fuse.gatefs", KernelMounts.isMounted(parent) {
                _ = umount2(parent, Int32(MNT_DETACH))
            }
        }
        let shared = try fx.run([mountTool, "--make-rshared", parent])
        XCTAssertEqual(shared.exitCode, 0, "\(shared)")
        XCTAssertEqual(mkdir(view, 0o755), 0)

        // Each container waits for the file, then prints it (or cat's error).
        let wait = #"n=0; while [ ! -e /agent/view/projects/demo/README.md ] && [ $n -lt $1 ]; do n=$((n+1)); sleep 0.1; done; echo WAITED; cat /agent/view/projects/demo/README.md"#
        let env = fx.environment.merging(podman.environment) { $1 }
        let propagated = try BackgroundCommand(
            podman.runArguments(volume: "\(parent):/agent:ro,rshared", cidfile: newCidfile(podman, fx), user: "1000:1000", command: ["sh", "-c", wait, "sh", "300"]),
            environment: env, outputDirectory: fx.directory)
        addTeardownBlock { propagated.stop() }
        let isolated = try BackgroundCommand(
            podman.runArguments(volume: "\(parent):/agent:ro", cidfile: newCidfile(podman, fx), user: "1000:1000", command: ["sh", "-c", wait, "sh", "40"]),
            environment: env, outputDirectory: fx.directory)
        addTeardownBlock { isolated.stop() }
        // Both containers are running before the view is mounted.
        let deadline = Date().addingTimeInterval(30)
        while !containersRunning(podman, fx, 2) && Date() < deadline {
            usleep(50_000)
        }
        let mounted = try fx.mount(AgentHome.allow + ["--allow-other"], at: view)
        XCTAssertEqual(mounted.exitCode, 0, "\(mounted)")
        // The view answers as soon as gatefs mount returns. But with a shared
        // parent, /proc/self/mountinfo lists the new mount only about 0.1 s
        // later (kernel 6.18 here), so mountLive's check would race.
        assertListing(view, ["projects"])
        let listed = Date().addingTimeInterval(10)
        while !KernelMounts.isMounted(view) && Date() < listed { usleep(10_000) }
        XCTAssertTrue(KernelMounts.isMounted(view), "the view never showed up in /proc/self/mountinfo")

        XCTAssertEqual(propagated.wait(timeout: 60), .exited(0), propagated.report)
        XCTAssertEqual(propagated.stdout, "WAITED\n" + AgentHome.readme, propagated.report)
        XCTAssertNotEqual(isolated.wait(timeout: 60), .exited(0), isolated.report)
        XCTAssertTrue(isolated.stderr.contains("No such file or directory"), "a private bind saw the later mount:\n\(isolated.report)")
    }

    // MARK: - 7. gatefs run

    func testGatefsRunGivesThePodmanContainerAViewAndPassesItsExitCode() throws {
        let (fx, podman) = try makeAgentFixture()
        let cidfile = newCidfile(podman, fx)
        let script = #"cat /workspace/projects/demo/README.md; echo "view=$GATEFS_VIEW"; exit 7"#
        let result = try fx.gatefs(
            ["run", "--allow-other", "--source", fx.source, "--log", fx.log] + AgentHome.allow + ["--"]
                + podman.runArguments(view: "{view}", cidfile: cidfile, user: "1000:1000", extra: ["-e", "GATEFS_VIEW"], command: ["sh", "-c", script]),
            environment: podman.environment, timeout: 120)
        let view = registerRunView(fx)

        XCTAssertEqual(result.exitCode, 7, "gatefs run did not pass the command's exit code:\n\(result)")
        XCTAssertTrue(result.stdout.hasPrefix(AgentHome.readme), "\(result)")
        XCTAssertTrue(result.stdout.contains("view=\(view ?? "?")\n"), "GATEFS_VIEW is not the {view} that was mounted:\n\(result)")
        XCTAssertTrue(result.stderr.contains("gatefs session summary"), "\(result)")
        XCTAssertTrue(result.stderr.contains("projects/demo/README.md"), "the summary lists the file read:\n\(result)")
        if let view {
            XCTAssertFalse(KernelMounts.isMounted(view), "gatefs run left \(view) mounted")
            XCTAssertFalse(FileManager.default.fileExists(atPath: view), "gatefs run left its mountpoint \(view)")
        } else {
            XCTFail("no mount line in the log:\n\(AgentAuditLog.load(fx.log))")
        }
        let id = try PodmanRuntime.containerID(cidfile)
        let lines = AgentAuditLog.load(fx.log)
        let open = lines.first { $0.event == "open" && $0.path == "projects/demo/README.md" }
        XCTAssertEqual(open?.container, id, "\(lines)")
        XCTAssertEqual(open?.process, "cat")
        XCTAssertEqual(lines.last?.event, "unmount", "\(lines)")
    }

    /// SIGKILL to the podman client (gatefs run's child). The container it
    /// started keeps running under conmon and still holds the view, so the
    /// daemon ends when the container does (the kernel only releases the
    /// FUSE connection with its last mount); gatefs run waits for that,
    /// then reports 137.
    func testGatefsRunUnmountsWhenThePodmanClientIsKilled() throws {
        let (fx, podman) = try makeAgentFixture()
        let cidfile = newCidfile(podman, fx)
        let script = "cat /workspace/projects/demo/README.md; echo STARTED; sleep 4"
        let run = try BackgroundCommand(
            [fx.binary, "run", "--allow-other", "--source", fx.source, "--log", fx.log] + AgentHome.allow + ["--"]
                + podman.runArguments(view: "{view}", cidfile: cidfile, command: ["sh", "-c", script]),
            environment: fx.environment.merging(podman.environment) { $1 }, outputDirectory: fx.directory)
        addTeardownBlock { run.stop() }

        XCTAssertTrue(run.waitForOutput("STARTED", timeout: 60), "the container never started:\n\(run.report)")
        let view = registerRunView(fx)
        let client = ProcFS.children(of: run.pid).filter { ProcFS.command($0) == "podman" }
        XCTAssertEqual(client.count, 1, "gatefs run's children: \(ProcFS.children(of: run.pid).map { ($0, ProcFS.command($0) ?? "?") })")
        for pid in client { kill(pid, SIGKILL) }

        XCTAssertEqual(run.wait(timeout: 60), .exited(128 + SIGKILL), run.report)
        XCTAssertTrue(run.stderr.contains("gatefs session summary"), run.report)
        XCTAssertNotNil(view, "no mount line in the log")
        if let view {
            XCTAssertFalse(KernelMounts.isMounted(view), "gatefs run left \(view) mounted")
            XCTAssertNil(try fx.statusEntry(for: view), "status still lists \(view)")
        }
        XCTAssertEqual(AgentAuditLog.load(fx.log).last?.event, "unmount")
    }

    // MARK: - Helpers

    private func makeAgentFixture() throws -> (MountFixture, PodmanRuntime) {
        let podman = try PodmanRuntime.require()
        let fx = try makeFixture()
        try AgentHome.build(fx)
        return (fx, podman)
    }

    /// A fresh cidfile path; teardown removes its container if a test left it.
    private func newCidfile(_ podman: PodmanRuntime, _ fx: MountFixture) -> String {
        let path = fx.directory + "/cid-" + UUID().uuidString
        addTeardownBlock { podman.remove(cidfile: path) }
        return path
    }

    /// `podman run --rm --network none --cidfile ... -v VIEW:/workspace:ro IMAGE COMMAND...`;
    /// returns what it printed and the container's id.
    private func runContainer(
        _ podman: PodmanRuntime, _ fx: MountFixture, user: String? = nil, view: String? = nil, _ command: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (ProcessResult, String) {
        let cidfile = newCidfile(podman, fx)
        let result = try fx.run(
            podman.runArguments(view: view ?? fx.mountpoint, cidfile: cidfile, user: user, command: command),
            environment: podman.environment, timeout: 120)
        XCTAssertNotEqual(result.termination, .timedOut, "\(result)", file: file, line: line)
        return (result, try PodmanRuntime.containerID(cidfile))
    }

    /// Whether `count` containers of this test are running (podman ps
    /// filtered by the ids in this fixture's cidfiles).
    private func containersRunning(_ podman: PodmanRuntime, _ fx: MountFixture, _ count: Int) -> Bool {
        let cidfiles = ((try? FileManager.default.contentsOfDirectory(atPath: fx.directory)) ?? []).filter { $0.hasPrefix("cid-") }
        let ids = cidfiles.compactMap { try? PodmanRuntime.containerID(fx.directory + "/" + $0) }
        guard ids.count >= count,
              let ps = try? fx.run([podman.podman, "ps", "--quiet", "--no-trunc"], environment: podman.environment)
        else { return false }
        return ids.filter { ps.stdout.contains($0) }.count >= count
    }

    /// The temporary mountpoint `gatefs run` made (from the log's mount
    /// line), registered so teardown unmounts it if the run did not.
    private func registerRunView(_ fx: MountFixture) -> String? {
        let lines = AgentAuditLog.wait(for: fx.log) { $0.event == "mount" }
        guard let view = lines?.first(where: { $0.event == "mount" })?.mountpoint else { return nil }
        fx.register(mountpoint: view)
        return view
    }
}
