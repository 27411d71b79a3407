import Foundation
import GateAuditReader
import Glibc
import XCTest

/// `status`, `unmount` (plain, busy, lazy) and recovery from a daemon
/// killed with SIGKILL, plus the mount options the kernel reports.
final class LifecycleTests: MountTestCase {
    func testStatusReportsTheLiveMountAndUnmountEndsTheDaemon() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.mountLive(["--allow", "projects/demo"])

        guard let entry = try fx.statusEntry() else { return XCTFail("status --json does not list \(fx.mountpoint)") }
        XCTAssertEqual(entry.state, "live")
        XCTAssertEqual(entry.source, fx.source)
        XCTAssertEqual(entry.log, fx.log)
        XCTAssertEqual(entry.allowOther, false)
        let pid = try fx.daemonPID()
        XCTAssertTrue(ProcFS.isRunning(pid))

        let result = try fx.unmount()
        XCTAssertEqual(result.exitCode, 0, "\(result)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "still in /proc/self/mountinfo after unmount")
        // unmount waits for the daemon, so it is gone (or a zombie) by now.
        XCTAssertFalse(ProcFS.isRunning(pid), "daemon \(pid) still running after unmount returned")
        XCTAssertNil(try fx.statusEntry(), "status still lists the unmounted view")
        assertListing(fx.mountpoint, [])
    }

    func testMountOptionsAsTheKernelReportsThem() throws {
        let fx = try makeFixture()
        try fx.tree.file("a.txt", "a\n")
        try fx.mountLive(["--allow", "**"])
        guard let m = KernelMounts.mount(at: fx.mountpoint) else { return XCTFail("not mounted") }
        XCTAssertEqual(m.fsType, "fuse.gatefs")
        XCTAssertTrue(m.mountOptions.isSuperset(of: ["ro", "nosuid", "nodev"]), "mount options \(m.mountOptions)")
        XCTAssertTrue(m.superOptions.contains("default_permissions"), "super options \(m.superOptions)")
        XCTAssertFalse(m.superOptions.contains("allow_other"), "allow_other without --allow-other: \(m.superOptions)")
        var vfs = statvfs()
        XCTAssertEqual(statvfs(fx.mountpoint, &vfs), 0)
        let flags = UInt(vfs.f_flag)
        XCTAssertTrue(flags & UInt(ST_RDONLY) != 0 && flags & UInt(ST_NOSUID) != 0, "statvfs f_flag \(flags)")
        XCTAssertEqual(try fx.unmount().exitCode, 0)

        try fx.mountLive(["--allow", "**", "--allow-other"])
        XCTAssertTrue(KernelMounts.mount(at: fx.mountpoint)?.superOptions.contains("allow_other") ?? false,
                      "--allow-other: \(String(describing: KernelMounts.mount(at: fx.mountpoint)?.superOptions))")
        XCTAssertEqual(try fx.statusEntry()?.allowOther, true)
    }

    /// `ro` without a grant, `rw` with one (flag or config); status and the
    /// mount line name the patterns that grant write, and only those.
    func testAWriteGrantMountsReadWriteAndIsNamedInStatusAndTheMountLine() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.file("notes/n.txt", "n\n")
        try fx.mountLive(["--allow", "notes"])
        XCTAssertTrue(KernelMounts.mount(at: fx.mountpoint)?.mountOptions.contains("ro") ?? false, "no ro without a grant")
        XCTAssertEqual(try fx.statusEntry()?.write, [])
        XCTAssertTrue(try fx.gatefs(["status"]).stdout.contains("  write   none (read-only)\n"))
        XCTAssertEqual(try fx.unmount().exitCode, 0)

        let config = try fx.writeConfig("[[allow]]\npath = \"notes\"\nwrite = true\n")
        try fx.mountLive(["--config", config, "--allow-write", "projects/demo", "--allow", "docs"])
        guard let m = KernelMounts.mount(at: fx.mountpoint) else { return XCTFail("not mounted") }
        XCTAssertTrue(m.mountOptions.isSuperset(of: ["rw", "nosuid", "nodev"]), "mount options \(m.mountOptions)")
        XCTAssertFalse(m.mountOptions.contains("ro"), "mount options \(m.mountOptions)")
        XCTAssertTrue(m.superOptions.contains("default_permissions"), "super options \(m.superOptions)")
        var vfs = statvfs()
        XCTAssertEqual(statvfs(fx.mountpoint, &vfs), 0)
        XCTAssertEqual(UInt(vfs.f_flag) & UInt(ST_RDONLY), 0, "statvfs f_flag \(vfs.f_flag)")
        // --allow-write also shows the path.
        assertListing(fx.mountpoint + "/projects/demo", ["a.txt"])

        XCTAssertEqual(try fx.statusEntry()?.write, ["notes", "projects/demo"])
        XCTAssertTrue(try fx.gatefs(["status"]).stdout.contains("  write   notes, projects/demo\n"))
        guard let log = AuditTestLog.wait(fx.log, until: { $0.filter { $0.event == "mount" }.count == 2 }) else {
            return XCTFail("no second mount line:\n\(AuditTestLog(fx.log).rawLines.joined(separator: "\n"))")
        }
        let mounts = log.lines.filter { $0.event == "mount" }
        XCTAssertNil(mounts[0].write, "a read-only view's mount line has no write key: \(mounts[0])")
        XCTAssertEqual(mounts[0].options?.first, "ro")
        XCTAssertEqual(mounts[1].write, ["notes", "projects/demo"])
        XCTAssertEqual(mounts[1].options?.first, "rw")
        XCTAssertTrue(try fx.gatefs(["log", fx.log]).stdout.contains("  write: notes, projects/demo"))
        XCTAssertEqual(try fx.unmount().exitCode, 0)
        let unmount = AuditTestLog(fx.log).lines.last { $0.event == "unmount" }
        XCTAssertEqual(unmount?.write, ["notes", "projects/demo"])
    }

    func testBusyMountRefusesPlainUnmountAndLazyDetaches() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.mountLive(["--allow", "projects/demo"])
        let pid = try fx.daemonPID()
        let inside = fx.mountpoint + "/projects/demo"
        let holder = try fx.spawn(["/bin/sh", "-c", "cd \"$0\" && exec sleep 300", inside])
        try waitForWorkingDirectory(of: holder, inside)

        let busy = try fx.unmount()
        XCTAssertNotEqual(busy.exitCode, 0, "unmount of a busy view must fail:\n\(busy)")
        XCTAssertTrue(busy.stderr.lowercased().contains("busy"), "no 'busy' in the message:\n\(busy)")
        XCTAssertTrue(KernelMounts.isMounted(fx.mountpoint), "a refused unmount must leave the view mounted")
        XCTAssertTrue(ProcFS.isRunning(pid))

        let lazy = try fx.unmount(lazy: true, timeout: 90)
        XCTAssertEqual(lazy.exitCode, 0, "unmount --lazy:\n\(lazy)")
        XCTAssertLessThan(lazy.seconds, 10, "unmount --lazy should return once detached:\n\(lazy)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "still mounted after --lazy")

        // Once the last user goes away the daemon exits.
        kill(holder, SIGKILL)
        XCTAssertEqual(fx.wait(holder, timeout: 10), .signalled(SIGKILL))
        XCTAssertTrue(ProcFS.waitUntilGone(pid, timeout: 20), "daemon \(pid) still running after the lazy unmount completed")
    }

    func testStaleMountAfterKill9IsRecoveredByUnmount() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.mountLive(["--allow", "projects/demo"])
        let pid = try fx.daemonPID()

        XCTAssertEqual(kill(pid, SIGKILL), 0)
        XCTAssertTrue(ProcFS.waitUntilGone(pid, timeout: 10), "daemon \(pid) survived SIGKILL")
        // Requests that reach the (dead) daemon fail; cached attributes may still answer stat.
        XCTAssertThrowsError(try DirectoryListing.names(fx.mountpoint), "listing a dead daemon's mount") { error in
            // ENOTCONN, or ECONNABORTED on kernels that report the aborted connection.
            let code = (error as? DirectoryListing.Failure)?.errno ?? 0
            XCTAssertTrue([ENOTCONN, ECONNABORTED].contains(code), "\(error)")
        }
        let stale = try fx.status()
        XCTAssertEqual(stale.first { $0.mountpoint == fx.mountpoint }?.state, "stale", "status: \(stale)")

        let result = try fx.unmount()
        XCTAssertEqual(result.exitCode, 0, "unmount of a stale view:\n\(result)")
        XCTAssertFalse(KernelMounts.isMounted(fx.mountpoint), "stale mount still present")
        var st = stat()
        XCTAssertEqual(stat(fx.mountpoint, &st), 0, "mountpoint after recovery: \(Posix.name(errno))")
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFDIR)
        assertListing(fx.mountpoint, [])
        XCTAssertNil(try fx.statusEntry())

        try fx.mountLive(["--allow", "projects/demo"])
        assertListing(fx.mountpoint, ["projects"])
        assertSameBytes(fx.mountpoint + "/projects/demo/a.txt", fx.source + "/projects/demo/a.txt")
    }

    /// unmount only ever unmounts a gatefs view: on a plain directory it fails and touches nothing.
    func testUnmountOfAPlainDirectoryFails() throws {
        let fx = try makeFixture()
        try TreeBuilder(root: fx.mountpoint).file("keep.txt", "keep\n")
        let result = try fx.unmount()
        XCTAssertNotEqual(result.exitCode, 0, "\(result)")
        XCTAssertFalse(result.stderr.isEmpty, "\(result)")
        assertListing(fx.mountpoint, ["keep.txt"])
    }

    private func waitForWorkingDirectory(of pid: pid_t, _ directory: String) throws {
        let deadline = Date().addingTimeInterval(10)
        while ProcFS.workingDirectory(pid) != directory {
            guard Date() < deadline else {
                throw MountFixture.Failure(description: "helper \(pid) never entered \(directory) (cwd \(ProcFS.workingDirectory(pid) ?? "?"))")
            }
            usleep(10_000)
        }
    }
}
