import Foundation
import GateAuditReader
import Glibc
import XCTest

/// Real tools inside a write-granted project (issue 12): each script runs
/// natively and through the view, at the same pinned path, and must end
/// the same way, print the same and leave the same tree on the host.
final class WriteToolTests: MountTestCase {
    func testGitInitAddCommitCheckoutAndRebaseAsNatively() throws {
        let fx = try makeFixture()
        try fx.tree.directory(WriteGrant.project)
        try fx.mountLive(WriteGrant.flags)
        let script = """
            set -eu
            git init -q -b main .
            printf 'one\\n' > a.txt; mkdir src; printf 'print(1)\\n' > src/m.py
            git add -A
            git commit -q -m first
            git checkout -q -b feature
            printf 'two\\n' >> a.txt; git commit -q -am second
            git checkout -q main
            printf 'main change\\n' > b.txt; git add b.txt; git commit -q -m third
            git checkout -q feature
            git rebase -q main
            git log --format='%H %P %s' --all
            git status --porcelain
            git fsck --strict --no-progress
            cat a.txt b.txt
            """
        let runs = try WriteGrant.runTwice(fx, name: "git", script, environment: WriteGrant.gitEnvironment)
        // The index holds each file's inode number and ctime, which differ by nature.
        assertSameAsNative(runs, ignoring: [".git/index"])
        XCTAssertTrue(runs.view.result.stdout.contains(" second\n"), "git log through the view:\n\(runs.view.result)")
        XCTAssertEqual(WriteGrant.denies(fx.log), [], "git ran into a refusal")
        let lines = AgentAuditLog.load(fx.log)
        XCTAssertTrue(lines.contains { $0.event == "create" && $0.path == "projects/demo/git/a.txt" }, "no create line for a.txt")
        XCTAssertTrue(lines.contains { $0.event == "rename" && $0.from == "projects/demo/git/.git/index.lock" && $0.to == "projects/demo/git/.git/index" },
                      "git's index.lock → index rename is not in the log")
        XCTAssertTrue(lines.contains { $0.event == "write" && $0.path == "projects/demo/git/a.txt" }, "no write line for a.txt")
    }

    /// `python3 -m venv` plus `pip install --no-index` of a wheel the test
    /// builds. ensurepip unpacks pip, whose vendored certifi ships
    /// `cacert.pem`: the built-in `*.pem` hides it, so creating it through
    /// the view is refused and the venv cannot be made. One `[secrets]
    /// except` pattern for that file makes it work, exactly as natively.
    /// `--copies`: venv's default links bin/python to an absolute target,
    /// which the view refuses (it then copies anyway, with a warning, so the
    /// native tree would differ only by that link).
    func testPythonVenvAndPipInstallOfALocalWheel() throws {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python),
              (try? ProcessRunner.run([python, "-c", "import ensurepip, venv"], environment: [:], outputDirectory: "/tmp"))?.exitCode == 0
        else { throw XCTSkip("Debian's python3 with venv is not installed (.ci/setup installs python3-venv)") }
        let fx = try makeFixture()
        try fx.tree.directory(WriteGrant.project)
        let wheel = fx.directory + "/gatefs_probe-1.0-py3-none-any.whl"
        let built = try fx.run([python, "-c", Self.wheelBuilder, wheel])
        XCTAssertEqual(built.exitCode, 0, "building the wheel:\n\(built)")
        let environment = ["WHEEL": wheel, "SOURCE_DATE_EPOCH": "1600000000", "PIP_NO_CACHE_DIR": "1",
                           "PIP_DISABLE_PIP_VERSION_CHECK": "1"]
        let script = """
            set -eu
            \(python) -m venv --copies venv
            venv/bin/pip install --no-index -q "$WHEEL"
            venv/bin/python -c 'import gatefs_probe; print(gatefs_probe.hello())'
            venv/bin/gatefs-probe
            venv/bin/pip list --format=freeze
            """
        let cacert = "venv/lib/python3.11/site-packages/pip/_vendor/certifi/cacert.pem"

        // The built-in list: pip's cacert.pem may not be created.
        try fx.mountLive(WriteGrant.flags)
        let refused = try WriteGrant.runTwice(fx, name: "refused", script, environment: environment)
        XCTAssertEqual(refused.native.result.exitCode, 0, "\(refused.native.result)")
        XCTAssertNotNil(refused.native.tree.nodes[cacert], "the native venv has no \(cacert); the test's premise is gone")
        XCTAssertNotEqual(refused.view.result.exitCode, 0, "the venv was made although cacert.pem is hidden:\n\(refused.view.result)")
        XCTAssertNil(refused.view.tree.nodes[cacert], "cacert.pem was created through the view")
        let denied = assertWriteDenied(fx, ["projects/demo/refused/" + cacert], errno: "EACCES", rule: "secret:key-file")
        XCTAssertNotNil(denied)
        XCTAssertEqual(try fx.unmount().exitCode, 0)

        // `[secrets] except` for that one path: the venv works as natively.
        let config = try fx.writeConfig("[secrets]\nexcept = [\"projects/demo/**/certifi/cacert.pem\"]\n")
        try fx.mountLive(["--config", config] + WriteGrant.flags)
        let runs = try WriteGrant.runTwice(fx, name: "venv", script, environment: environment)
        assertSameAsNative(runs)
        XCTAssertEqual(runs.view.result.stdout, "hello from the wheel\nhello from the wheel\ngatefs_probe==1.0\npip==23.0.1\nsetuptools==66.1.1\n",
                       "\(runs.view.result)")
    }

    func testSedCpTarAndRsyncAsNatively() throws {
        guard HostTools.find("rsync") != nil else { throw XCTSkip("rsync is not installed (.ci/setup installs it)") }
        let fx = try makeFixture()
        try fx.tree.directory(WriteGrant.project)
        try fx.mountLive(WriteGrant.flags)
        let runs = try WriteGrant.runTwice(fx, name: "files", Self.fileTools)
        assertSameAsNative(runs)
        XCTAssertTrue(runs.view.result.stdout.contains("./tar-out/sub/run.sh regular file 750 1000:1000 19 1000000000\n"),
                      "tar x kept mode, owner and mtime:\n\(runs.view.result.stdout)")
        XCTAssertTrue(runs.view.result.stdout.contains("in/a.txt b'kept'\n"), "the user.* xattr:\n\(runs.view.result.stdout)")
        // cp -a and sed -i copy ACLs with setxattr(system.posix_acl_*), which
        // the view refuses (EOPNOTSUPP, README "Write grants"); both carry on,
        // as the equal trees show. Nothing else may be refused.
        let others = WriteGrant.denies(fx.log).filter { !$0.hasSuffix(" xattr-namespace EOPNOTSUPP") }
        XCTAssertEqual(others, [], "the tools ran into a refusal")
    }

    /// An editor's save: write a temp file, fsync it, give it the
    /// original's mode, rename it over the original.
    func testEditorStyleSaveReplacesTheFileAsNatively() throws {
        let fx = try makeFixture()
        try fx.tree.file(WriteGrant.project + "/notes.txt", "old text\n")
        XCTAssertEqual(chmod(fx.tree.path(WriteGrant.project + "/notes.txt"), 0o640), 0)
        try TreeBuilder(root: fx.directory).file("native/notes.txt", "old text\n")
        XCTAssertEqual(chmod(fx.directory + "/native/notes.txt", 0o640), 0)
        try fx.mountLive(WriteGrant.flags)
        let text = Array("new text, saved the way editors save\n".utf8)

        for directory in [fx.directory + "/native", fx.mountpoint + "/" + WriteGrant.project] {
            let before = Posix.lstatInfo(directory + "/notes.txt")
            XCTAssertEqual(Self.editorSave(directory, "notes.txt", text), "", "save in \(directory)")
            XCTAssertEqual(Posix.readFile(directory + "/notes.txt"), .success(text), "read back in \(directory)")
            let after = Posix.lstatInfo(directory + "/notes.txt")
            XCTAssertNotEqual(after?.st_ino, before?.st_ino, "the rename did not replace the file in \(directory)")
            XCTAssertEqual(after.map { $0.st_mode & 0o7777 }, 0o640, "mode after the save in \(directory)")
            assertListing(directory, ["notes.txt"])
        }
        let native = try TreeSnapshot(of: fx.directory + "/native")
        let viewed = try TreeSnapshot(of: fx.source + "/" + WriteGrant.project)
        XCTAssertEqual(viewed.contentDifferences(from: native), [])
        let lines = AgentAuditLog.wait(for: fx.log) { $0.event == "rename" && $0.to == "projects/demo/notes.txt" } ?? []
        XCTAssertTrue(lines.contains { $0.event == "rename" && $0.from == "projects/demo/.notes.txt.swp" && $0.to == "projects/demo/notes.txt" },
                      "the save's rename is not in the log:\n\(lines.suffix(10))")
    }

    // MARK: - Scripts

    /// Writes `.NAME.swp`, fsyncs it and the directory, renames it over NAME.
    /// Returns "" or what failed.
    static func editorSave(_ directory: String, _ name: String, _ bytes: [UInt8]) -> String {
        let temp = directory + "/." + name + ".swp"
        var st = stat()
        guard stat(directory + "/" + name, &st) == 0 else { return "stat: \(Posix.name(errno))" }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "create \(temp): \(Posix.name(errno))" }
        defer { close(fd) }
        guard write(fd, bytes, bytes.count) == bytes.count else { return "write: \(Posix.name(errno))" }
        guard fsync(fd) == 0 else { return "fsync: \(Posix.name(errno))" }
        guard fchmod(fd, st.st_mode & 0o7777) == 0 else { return "fchmod: \(Posix.name(errno))" }
        guard rename(temp, directory + "/" + name) == 0 else { return "rename: \(Posix.name(errno))" }
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(dir) }
        guard dir >= 0, fsync(dir) == 0 else { return "fsync the directory: \(Posix.name(errno))" }
        return ""
    }

    /// Builds a pure-Python wheel (a package and a console script) at argv[1], with python3 alone.
    static let wheelBuilder = #"""
        import base64, hashlib, sys, zipfile
        name, version = "gatefs_probe", "1.0"
        info = f"{name}-{version}.dist-info"
        files = {
            f"{name}/__init__.py": "def hello():\n    return 'hello from the wheel'\n\ndef main():\n    print(hello())\n",
            f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
            f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: gatefs-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
            f"{info}/entry_points.txt": f"[console_scripts]\ngatefs-probe = {name}:main\n",
        }
        def digest(data):
            return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record = [f"{path},sha256={digest(text.encode())},{len(text.encode())}" for path, text in files.items()]
        files[f"{info}/RECORD"] = "\n".join(record + [f"{info}/RECORD,,"]) + "\n"
        with zipfile.ZipFile(sys.argv[1], "w") as wheel:
            for path, text in files.items():
                wheel.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), text)
        """#

    /// sed -i, cp -a, tar x and rsync -a over a small tree with a symlink,
    /// a dangling relative link, a fifo, an executable owned by 1000, a
    /// user.* xattr and old mtimes; then every node's type, mode, owner,
    /// size and mtime (the view's stat, so setattr must have landed).
    static let fileTools = #"""
        set -eu
        mkdir -p in/sub in/empty
        printf 'alpha\nbeta\n' > in/a.txt
        printf '#!/bin/sh\necho run\n' > in/sub/run.sh
        chmod 0750 in/sub/run.sh
        chown 1000:1000 in/sub/run.sh
        ln -s a.txt in/link
        ln -s ../missing/later in/sub/dangling
        mkfifo -m 0640 in/fifo
        sed -i 's/beta/gamma/' in/a.txt
        /usr/bin/python3 -c 'import os; os.setxattr("in/a.txt", "user.note", b"kept")'
        touch -h -d @1000000000 in/a.txt in/sub/run.sh in/link in/sub/dangling in/fifo in/sub in/empty in
        cp -a in cp-out
        tar -C in -cf in.tar .
        mkdir tar-out
        tar -C tar-out -xf in.tar
        rsync -a in/ rsync-out/
        sed -i 's/alpha/omega/' cp-out/a.txt
        touch -d @1100000000 cp-out/a.txt cp-out
        rm in.tar
        find . -mindepth 1 ! -type d -exec stat -c '%n %F %a %u:%g %s %Y' {} + | sort
        find . -mindepth 1 -type d -exec stat -c '%n %F %a %u:%g %Y' {} + | sort
        for f in */a.txt; do
          printf '%s ' "$f"
          /usr/bin/python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.note") if "user.note" in os.listxattr(sys.argv[1]) else "-")' "$f"
        done
        cat cp-out/a.txt tar-out/a.txt rsync-out/a.txt
        """#
}
