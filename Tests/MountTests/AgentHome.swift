import Foundation
import Glibc

/// The home the agent tests expose with `--allow projects/demo`, what the
/// agent must see of it at /workspace, and the shell scripts it runs.
/// Every hidden file holds a "SECRET-" marker, so output that contains
/// one is a leak whatever path it came from.
enum AgentHome {
    static let readme = "# demo\nThe agent may read this.\n"
    static let allow = ["--allow", "projects/demo"]

    static func build(_ fx: MountFixture) throws {
        // uid 1000 (bwrap) must traverse the temp directory to reach the view;
        // the files inside keep their own modes (0644, directories 0755).
        guard chmod(fx.directory, 0o755) == 0 else {
            throw MountFixture.Failure(description: "chmod \(fx.directory): \(String(cString: strerror(errno)))")
        }
        try fx.tree.file("projects/demo/README.md", readme)
        try fx.tree.file("projects/demo/src/main.py", "print('hello')\n")
        try fx.tree.file("projects/demo/private.txt", "root only\n")
        guard chmod(fx.tree.path("projects/demo/private.txt"), 0o600) == 0 else {
            throw MountFixture.Failure(description: "chmod private.txt: \(String(cString: strerror(errno)))")
        }
        for (path, marker) in hiddenFiles {
            try fx.tree.file(path, "\(marker)\n")
        }
    }

    /// Hidden from the view: secret stores (even inside the allowed project)
    /// and folders no allow rule covers.
    static let hiddenFiles = [
        (".ssh/id_ed25519", "SECRET-SSH-KEY"),
        (".aws/credentials", "SECRET-AWS"),
        ("projects/demo/.env", "SECRET-ENV"),
        ("notes/diary.txt", "SECRET-NOT-ALLOWED"),
    ]

    /// What `find /workspace` prints, exactly.
    static let visible = [
        "/workspace",
        "/workspace/projects",
        "/workspace/projects/demo",
        "/workspace/projects/demo/README.md",
        "/workspace/projects/demo/private.txt",
        "/workspace/projects/demo/src",
        "/workspace/projects/demo/src/main.py",
    ]

    /// Paths that must not exist inside the sandbox: the hidden files and
    /// their directories through the view, and the host's own paths.
    static func mustNotExist(_ fx: MountFixture) -> [String] {
        let inView = hiddenFiles.map { "/workspace/" + $0.0 } + ["/workspace/.ssh", "/workspace/.aws", "/workspace/notes"]
        let onHost = [fx.directory, fx.source, fx.source + "/.ssh", fx.source + "/.ssh/id_ed25519", fx.log]
        return inView + onHost
    }

    /// `sh -c probe sh PATH...` prints `EXISTS PATH` for each path that
    /// exists (a dangling link counts) and then `PROBED`.
    static let probe = #"for p in "$@"; do if [ -e "$p" ] || [ -L "$p" ]; then echo "EXISTS $p"; fi; done; echo PROBED"#

    /// Reads README.md every 50 ms: prints READY after the first success and
    /// ERROR lines for failures; stops after three failures. A success after
    /// a failure prints LATE-SUCCESS. Then it tries the listing and a secret
    /// through the dead view and prints END.
    static let readLoop = """
        ok=0; bad=0; i=0
        while [ $i -lt 600 ]; do
          i=$((i+1))
          if out=$(cat /workspace/projects/demo/README.md 2>&1); then
            ok=$((ok+1)); [ $ok -eq 1 ] && echo READY
            [ $bad -gt 0 ] && echo "LATE-SUCCESS $out"
          else
            bad=$((bad+1)); echo "ERROR $out"
            [ $bad -ge 3 ] && break
          fi
          sleep 0.05
        done
        ls -la /workspace/ 2>&1 | while read -r line; do echo "LISTING $line"; done
        cat /workspace/.ssh/id_ed25519 2>&1 | while read -r line; do echo "KEY-READ $line"; done
        echo "END ok=$ok bad=$bad"
        """

    /// The messages a dead FUSE daemon gives callers: ENOTCONN ("Transport
    /// endpoint is not connected"), or EIO / ECONNABORTED on other kernels.
    static let deadDaemonErrors = ["Transport endpoint is not connected", "I/O error", "Input/output error", "Software caused connection abort"]

    /// Checks a read loop's output after the daemon was killed.
    static func readLoopProblems(_ output: String) -> [String] {
        var problems: [String] = []
        let lines = output.split(separator: "\n").map(String.init)
        if !lines.contains("READY") { problems.append("the loop never read the file before the kill") }
        let errors = lines.filter { $0.hasPrefix("ERROR ") }
        if errors.count < 3 { problems.append("expected three failed reads after the kill, got \(errors.count)") }
        for line in errors where !deadDaemonErrors.contains(where: { line.contains($0) }) {
            problems.append("a read failed with something other than an I/O error: \(line)")
        }
        for line in lines where line.hasPrefix("LATE-SUCCESS") {
            problems.append("a read succeeded after the daemon died: \(line)")
        }
        for (path, marker) in hiddenFiles where output.contains(marker) {
            problems.append("the contents of \(path) leaked")
        }
        for line in lines where line.hasPrefix("KEY-READ ") && !deadDaemonErrors.contains(where: { line.contains($0) }) {
            problems.append("reading .ssh/id_ed25519 through the dead view did not fail with an I/O error: \(line)")
        }
        for line in lines where line.hasPrefix("LISTING ") && !deadDaemonErrors.contains(where: { line.contains($0) }) && line != "LISTING total 0" {
            problems.append("the dead view listed something: \(line)")
        }
        if !lines.contains(where: { $0.hasPrefix("END ") }) { problems.append("the loop did not finish") }
        return problems
    }
}
