import Foundation
import GateAuditReader
import Glibc
import XCTest

/// The issue-12 workflow end to end: a podman container running as uid
/// 1000 edits and commits in its project through a write-granted view,
/// and what it made belongs to uid 1000 on the host.
///
/// The busybox image has no git, so git is the host's own /usr/bin/git,
/// run inside the container from read-only binds of the host's /usr (and
/// /lib, /lib64 for its loader and libraries), as an agent image with git
/// installed would run it. Every git step runs in the container, as uid
/// 1000, on the view; the host only reads the result afterwards.
final class ContainerWriteTests: MountTestCase {
    static let script = #"""
        set -eu
        cd /workspace/projects/demo
        git init -q -b main .
        printf 'private.txt\n' > .gitignore
        git add -A
        git commit -q -m 'import'
        sed -i 's/may read/may edit/' README.md
        printf 'print("added")\n' > src/added.py
        mkdir -p docs && printf 'notes\n' > docs/notes.md
        git add -A
        git commit -q -m 'edit in the container'
        git log --format=%s
        git status --porcelain
        touch .env 2>/dev/null && echo PLANTED-ENV || echo REFUSED-ENV
        """#

    func testAContainerAsUser1000EditsAndCommitsAndTheHostFilesBelongTo1000() throws {
        let podman = try PodmanRuntime.require()
        let fx = try makeFixture()
        try AgentHome.build(fx)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/git") else { throw XCTSkip("git is not installed") }
        // The agent user owns its project, as it would its checkout (private.txt stays root's).
        let project = fx.source + "/projects/demo"
        for path in ["", "/README.md", "/src", "/src/main.py"] {
            XCTAssertEqual(chown(project + path, 1000, 1000), 0, "chown \(path)")
        }
        try fx.mountLive(["--allow-write", "projects/demo", "--allow-other"])
        let envBefore = Posix.readFile(project + "/.env")

        let cidfile = fx.directory + "/cid-write"
        addTeardownBlock { podman.remove(cidfile: cidfile) }
        let hostTools = ["-v", "/usr:/usr:ro", "-v", "/usr/lib:/lib:ro", "-v", "/usr/lib64:/lib64:ro",
                         "-e", "PATH=/bin:/usr/bin", "-e", "HOME=/home/agent"]
            + WriteGrant.gitEnvironment.sorted { $0.key < $1.key }.flatMap { ["-e", "\($0.key)=\($0.value)"] }
        let result = try fx.run(
            podman.runArguments(volume: fx.mountpoint + ":/workspace", cidfile: cidfile, user: "1000:1000", extra: hostTools,
                                command: ["sh", "-c", Self.script]),
            environment: podman.environment, timeout: 180)
        XCTAssertEqual(result.exitCode, 0, "the container's edit and commit:\n\(result)")
        XCTAssertEqual(result.stdout, "edit in the container\nimport\nREFUSED-ENV\n", "\(result)")
        let id = try PodmanRuntime.containerID(cidfile)

        // On the host: the commits are there, git is happy with them, and the files are 1000's.
        // Root reads a repository owned by 1000 only with safe.directory.
        let hostGit = ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_COUNT": "1",
                       "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": project]
        let log = try fx.run(["/usr/bin/git", "-C", project, "log", "--format=%an %s"], environment: hostGit)
        XCTAssertEqual(log.stdout, "Agent edit in the container\nAgent import\n", "\(log)")
        let fsck = try fx.run(["/usr/bin/git", "-C", project, "fsck", "--strict", "--no-progress"], environment: hostGit)
        XCTAssertEqual(fsck.exitCode, 0, "\(fsck)")
        XCTAssertEqual(Posix.readFile(project + "/README.md"), .success(Array(AgentHome.readme.replacingOccurrences(of: "may read", with: "may edit").utf8)))
        let snapshot = try TreeSnapshot(of: project)
        let notTheAgents = snapshot.nodes.filter { $0.key != "private.txt" && $0.key != ".env" && ($0.value.uid != 1000 || $0.value.gid != 1000) }
        XCTAssertEqual(notTheAgents.keys.sorted(), [], "files in the project that do not belong to 1000:1000")
        for path in [".git", ".git/HEAD", ".git/index", ".gitignore", "src/added.py", "docs", "docs/notes.md"] {
            XCTAssertNotNil(snapshot.nodes[path], "\(path) is missing on the host")
        }
        XCTAssertEqual(Posix.readFile(project + "/.env"), envBefore, "the hidden .env changed")

        // The log names the container and uid 1000 for the changes.
        let lines = AgentAuditLog.load(fx.log)
        let created = lines.first { $0.event == "create" && $0.path == "projects/demo/src/added.py" }
        XCTAssertEqual(created?.uid, 1000, "\(created.map(String.init(describing:)) ?? "no create line for src/added.py")")
        XCTAssertEqual(created?.container, id)
        XCTAssertTrue(lines.contains { $0.event == "write" && $0.path == "projects/demo/docs/notes.md" && $0.container == id })
        let deny = lines.first { $0.event == "deny" && $0.path == "projects/demo/.env" && $0.container == id && $0.errno == "EACCES" }
        XCTAssertNotNil(deny, "the refused touch .env is not logged: \(WriteGrant.denies(fx.log))")
    }
}
