import Foundation
import Glibc
import XCTest

/// Findings 6 and 7: open directories are neither capped nor logged, and
/// the per-caller cap is counted per thread. Caps must count directory and
/// file handles together, per process (thread group) and per container,
/// and a total cap must keep a reserve of the daemon's descriptors.
///
/// The attacker is a real process with 8 threads (a small C program built
/// for the test), each opening directories and files through the view
/// until it is refused, and holding everything it got.
final class EscapeDescriptorTests: EscapeTestCase {
    static let (attackDirs, attackFiles, readerCount) = (64, 64, 20)

    func testFinding6And7ThreadedHoarderOfDirectoriesAndFilesCannotStarveOthers() throws {
        let fx = try makeFixture()
        for i in 0..<Self.attackDirs { try fx.tree.file("projects/demo/a/d\(i)/x", "x\n") }
        for i in 0..<Self.attackFiles { try fx.tree.file("projects/demo/a/f\(i)", "f\(i)\n") }
        for i in 0..<Self.readerCount {
            try fx.tree.file("projects/demo/r/d\(i)/entry\(i)", "e\n")
            try fx.tree.file("projects/demo/r/f\(i)", "reader file \(i)\n")
        }
        try fx.tree.file("projects/demo/probe.txt", "probe\n")
        let (hoarder, reader) = try Self.buildHelpers(fx)
        try fx.mountLive(["--allow", "projects/demo"])
        let pid = try fx.daemonPID()
        let view = fx.mountpoint + "/projects/demo"

        let stem = fx.directory + "/output/hoarder"
        let attacker = try ProcessRunner.spawn(
            [hoarder, "hoard", view + "/a", "\(Self.attackDirs)", "\(Self.attackFiles)", "8"],
            environment: fx.environment, stdoutPath: stem + ".out", stderrPath: stem + ".err")
        defer {
            kill(attacker, SIGKILL)
            _ = ProcessRunner.wait(attacker, timeout: 20)
        }
        var report = ""
        let deadline = Date().addingTimeInterval(90)
        while !report.contains("held") && Date() < deadline && ProcFS.isRunning(attacker) {
            usleep(100_000)
            report = (try? String(contentsOfFile: stem + ".out", encoding: .utf8)) ?? ""
        }
        let daemonFDs = ProcFS.openDescriptorCount(pid) ?? -1
        print("attacker: \(report.trimmingCharacters(in: .whitespacesAndNewlines)); daemon fds while held: \(daemonFDs)")
        XCTAssertTrue(report.contains("held"), "the attacker never finished: \(report) \((try? String(contentsOfFile: stem + ".err", encoding: .utf8)) ?? "")")
        XCTAssertTrue(ProcFS.isRunning(pid), "the daemon died while the attacker opened")
        XCTAssertLessThan(daemonFDs, 19_500, "the daemon came close to its fd limit (20000) while the attacker held its handles")
        XCTAssertTrue(report.contains("dir_errno=EMFILE") || report.contains("file_errno=EMFILE"),
                      "the attacker was not refused with EMFILE: \(report)")

        // While the attacker holds everything, another process is served.
        let readerStem = fx.directory + "/output/reader"
        let second = try ProcessRunner.spawn(
            [reader, "read", view + "/r", "\(Self.readerCount)", "\(Self.readerCount)"],
            environment: fx.environment, stdoutPath: readerStem + ".out", stderrPath: readerStem + ".err")
        let secondEnd = ProcessRunner.wait(second, timeout: 60)
        let readerOut = (try? String(contentsOfFile: readerStem + ".out", encoding: .utf8)) ?? ""
        XCTAssertEqual(secondEnd, .exited(0), "the second process could not open 20 files and 20 directories: \(readerOut)")
        assertReaderLogged(fx, pid: second)
        assertRefusalLogged(fx)

        kill(attacker, SIGKILL)
        _ = ProcessRunner.wait(attacker, timeout: 20)
        assertDaemonHealthy(fx, pid: pid, probe: "projects/demo/probe.txt", expected: Array("probe\n".utf8))
    }

    // MARK: - The log

    /// The second process's opens and listings are logged with its name.
    private func assertReaderLogged(_ fx: MountFixture, pid: pid_t, file: StaticString = #filePath, line: UInt = #line) {
        let want = Self.readerCount
        let log = AuditTestLog.wait(fx.log, timeout: 10) { lines in
            lines.filter { $0.event == "open" && $0.pid == pid && $0.result == "ok" }.count >= want
                && lines.filter { $0.event == "readdir" && $0.pid == pid }.count >= want
        }
        let lines = (log ?? AuditTestLog(fx.log)).lines.filter { $0.pid == pid }
        let opens = lines.filter { $0.event == "open" && $0.result == "ok" && $0.path.hasPrefix("projects/demo/r/f") }
        let listings = lines.filter { $0.event == "readdir" && $0.path.hasPrefix("projects/demo/r/d") }
        XCTAssertEqual(Set(opens.map(\.path)).count, want, "open lines of the second process", file: file, line: line)
        XCTAssertEqual(Set(listings.map(\.path)).count, want, "readdir lines of the second process", file: file, line: line)
        for l in opens + listings where l.process != "fd-reader" {
            XCTFail("a line of the second process without its name: \(l)", file: file, line: line)
        }
    }

    /// At least one of the attacker's refused opens (file or directory) is
    /// logged with EMFILE: as an `open` line's result or an `opendir` line's errno.
    private func assertRefusalLogged(_ fx: MountFixture, file: StaticString = #filePath, line: UInt = #line) {
        let found = AuditTestLog.wait(fx.log, timeout: 10, forLine: { l in
            l.path.hasPrefix("projects/demo/a/")
                && ((l.event == "open" && l.result == "EMFILE") || (l.event == "opendir" && (l.errno == "EMFILE" || l.result == "EMFILE")))
        })
        if found == nil {
            let events = Dictionary(grouping: AuditTestLog(fx.log).lines.filter { $0.path.hasPrefix("projects/demo/a/") }, by: \.event)
            XCTFail("no open/opendir line with EMFILE for the attacker's refusals; its lines by event: "
                    + "\(events.mapValues(\.count))", file: file, line: line)
        }
    }

    // MARK: - The helper program

    /// Builds the helper and returns it under two names, so the audit lines
    /// of the attacker (`fd-hoarder`) and the second process (`fd-reader`)
    /// carry different process names.
    static func buildHelpers(_ fx: MountFixture) throws -> (hoarder: String, reader: String) {
        guard let cc = HostTools.find("cc") ?? HostTools.find("gcc") ?? HostTools.find("clang") else {
            throw MountFixture.Failure(description: "no C compiler (cc, gcc or clang) to build the attacker")
        }
        let dir = fx.directory + "/helpers"
        try TreeBuilder(root: dir).file("fdhelper.c", helperSource)
        let hoarder = dir + "/fd-hoarder", reader = dir + "/fd-reader"
        let built = try fx.run([cc, "-O2", "-pthread", "-o", hoarder, dir + "/fdhelper.c"], timeout: 120)
        guard built.exitCode == 0 else { throw MountFixture.Failure(description: "building the helper failed:\n\(built)") }
        guard link(hoarder, reader) == 0 else { throw MountFixture.Failure(description: "link fd-reader: \(Posix.name(errno))") }
        return (hoarder, reader)
    }

    /// `hoard DIR NDIRS NFILES THREADS`: raises its own descriptor limit as
    /// far as it may, then each thread opens DIR/dN (O_DIRECTORY) and DIR/fN
    /// in turn, each kind until it is refused, holds them, prints one
    /// `held …` line and waits to be killed.
    /// `read DIR NDIRS NFILES`: opens DIR/f0… and reads each to its end,
    /// opens DIR/d0… and lists each, holding all; exits 0 if all worked.
    static let helperSource = #"""
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <pthread.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/resource.h>
        #include <unistd.h>

        static const char *dir;
        static int ndirs, nfiles;
        static long dirs_held, files_held;
        static int dir_errno, file_errno;
        static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

        static const char *ename(int e) {
            return e == 0 ? "none" : e == EMFILE ? "EMFILE" : e == ENFILE ? "ENFILE" : strerrorname_np(e);
        }

        static void *hoard(void *arg) {
            long t = (long)arg, d = 0, f = 0;
            int de = 0, fe = 0;
            char path[4096];
            for (long k = 0; (de == 0 || fe == 0) && k < 400000; k++) {
                if (k % 2 == 0 && de == 0) {
                    snprintf(path, sizeof path, "%s/d%ld", dir, (t + k / 2) % ndirs);
                    if (open(path, O_RDONLY | O_DIRECTORY) < 0) de = errno; else d++;
                } else if (k % 2 == 1 && fe == 0) {
                    snprintf(path, sizeof path, "%s/f%ld", dir, (t + k / 2) % nfiles);
                    if (open(path, O_RDONLY) < 0) fe = errno; else f++;
                }
            }
            pthread_mutex_lock(&lock);
            dirs_held += d; files_held += f;
            if (de && !dir_errno) dir_errno = de;
            if (fe && !file_errno) file_errno = fe;
            pthread_mutex_unlock(&lock);
            return NULL;
        }

        static int reader(void) {
            char path[4096];
            int *fds = calloc(nfiles + ndirs, sizeof(int));
            char buf[65536];
            for (int i = 0; i < nfiles; i++) {
                snprintf(path, sizeof path, "%s/f%d", dir, i);
                if ((fds[i] = open(path, O_RDONLY)) < 0) { printf("open %s: %s\n", path, ename(errno)); return 1; }
                ssize_t n;
                while ((n = read(fds[i], buf, sizeof buf)) > 0) {}
                if (n < 0) { printf("read %s: %s\n", path, ename(errno)); return 1; }
            }
            for (int i = 0; i < ndirs; i++) {
                snprintf(path, sizeof path, "%s/d%d", dir, i);
                int fd = open(path, O_RDONLY | O_DIRECTORY);
                if (fd < 0) { printf("opendir %s: %s\n", path, ename(errno)); return 1; }
                DIR *dp = fdopendir(fd);
                int entries = 0;
                errno = 0;
                while (readdir(dp)) entries++;
                if (errno || entries < 3) { printf("readdir %s: %s, %d entries\n", path, ename(errno), entries); return 1; }
                fds[nfiles + i] = fd;   /* the DIR stream stays open, holding it */
            }
            printf("ok files=%d dirs=%d\n", nfiles, ndirs);
            return 0;
        }

        int main(int argc, char **argv) {
            if (argc < 5) return 2;
            dir = argv[2]; ndirs = atoi(argv[3]); nfiles = atoi(argv[4]);
            if (strcmp(argv[1], "read") == 0) return reader();
            int threads = argc > 5 ? atoi(argv[5]) : 8;
            struct rlimit lim = { 1048576, 1048576 };
            if (setrlimit(RLIMIT_NOFILE, &lim) != 0) { lim.rlim_cur = lim.rlim_max = 200000; setrlimit(RLIMIT_NOFILE, &lim); }
            pthread_t tid[64];
            for (long t = 0; t < threads && t < 64; t++) pthread_create(&tid[t], NULL, hoard, (void *)t);
            for (long t = 0; t < threads && t < 64; t++) pthread_join(tid[t], NULL);
            printf("held dirs=%ld files=%ld dir_errno=%s file_errno=%s\n", dirs_held, files_held, ename(dir_errno), ename(file_errno));
            fflush(stdout);
            for (;;) pause();
        }
        """#
}
