import Foundation
import Glibc
import XCTest

/// Class 6: special files in allowed folders. The view is `nodev`, and the
/// kernel serves FIFOs and sockets of a FUSE mount as its own objects: a
/// FIFO opened through the view is not the source's FIFO, a socket is not
/// the listening one, and neither ever ties up a daemon thread.
final class EscapeSpecialFileTests: EscapeTestCase {
    func testFifosNeverBlockTheDaemonNorCarryTheSourcesData() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.directory("projects/demo/sub")
        let fifo = fx.source + "/projects/demo/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o666), 0)
        // The host's FIFO holds protected bytes in its buffer for the whole test.
        let host = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(host, 0)
        defer { close(host) }
        XCTAssertEqual(Self.markerBytes.withUnsafeBytes { write(host, $0.baseAddress, $0.count) }, Self.markerBytes.count)
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"
        XCTAssertEqual(Posix.lstatInfo(d + "/pipe").map { $0.st_mode & S_IFMT }, S_IFIFO)

        // A non-blocking open through the view gets an empty pipe of its own.
        let fd = open(d + "/pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(fd, &buffer, buffer.count)
            XCTAssertLessThanOrEqual(n, 0, "the view's FIFO returned data")
            if n > 0 { assertNoMarker(Array(buffer[..<n]), "read of the FIFO through the view") }
            close(fd)
        }

        // More blocked openers than the daemon has threads.
        let openers = try (0..<8).map { _ in try fx.spawn(["/bin/cat", d + "/pipe"]) }
        usleep(300_000)
        for i in 0..<20 {
            let started = Date()
            XCTAssertEqual(Posix.readFile(d + "/a.txt"), .success(Array("a\n".utf8)), "read \(i) while FIFO opens block")
            assertListing(d + "/sub", [])
            XCTAssertLessThan(Date().timeIntervalSince(started), 2, "a request waited behind the blocked FIFO opens")
        }
        let ls = try fx.run(["/bin/ls", "-la", d], timeout: 10)
        XCTAssertEqual(ls.exitCode, 0, "\(ls)")
        for pid in openers {
            let end = fx.wait(pid, timeout: 0.1)
            XCTAssertEqual(end, .timedOut, "cat of the view's FIFO ended by itself (\(end)): it read something")
        }
        // A writer through the view reaches no reader of the source's FIFO.
        let w = open(d + "/pipe", O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        if w >= 0 {
            _ = write(w, "through the view\n", 17)
            close(w)
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(host, &buffer, buffer.count)
        XCTAssertEqual(n >= 0 ? Array(buffer[..<n]) : [], Self.markerBytes, "the source's FIFO was drained or written through the view")
    }

    func testSocketsInTheViewDoNotReachTheListeningSocket() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.directory(".ssh")
        let server = try Self.listen(fx.source + "/projects/demo/agent.sock")
        defer { close(server) }
        let hiddenServer = try Self.listen(fx.source + "/.ssh/agent.sock")
        defer { close(hiddenServer) }
        try fx.mountLive(["--allow", "**"])
        let d = fx.mountpoint + "/projects/demo"
        XCTAssertEqual(Posix.lstatInfo(d + "/agent.sock").map { $0.st_mode & S_IFMT }, S_IFSOCK)

        let refused = Self.connect(d + "/agent.sock")
        XCTAssertNotEqual(refused, 0, "connect through the view reached the host's listening socket")
        XCTAssertEqual(Self.connect(fx.mountpoint + "/.ssh/agent.sock"), ENOENT)
        assertDenyLogged(fx, path: ".ssh", rule: "secret:ssh", op: "lookup")
        for s in [server, hiddenServer] {
            let c = accept(s, nil, nil)
            XCTAssertLessThan(c, 0, "the host's socket accepted a connection made through the view")
            if c >= 0 { close(c) }
        }
        XCTAssertEqual(Posix.readFile(d + "/a.txt"), .success(Array("a\n".utf8)))
    }

    func testDeviceNodesGiveNoDeviceAccess() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        let devices: [(String, mode_t, UInt64)] = [
            ("zero", S_IFCHR | 0o666, Self.dev(1, 5)),
            ("mem", S_IFCHR | 0o600, Self.dev(1, 1)),
            ("kmsg", S_IFCHR | 0o644, Self.dev(1, 11)),
            ("loop0", S_IFBLK | 0o660, Self.dev(7, 0)),
        ]
        for (name, mode, dev) in devices {
            XCTAssertEqual(mknod(fx.source + "/projects/demo/" + name, mode, dev_t(dev)), 0, "mknod \(name): \(Posix.name(errno))")
        }
        try fx.mountLive(["--allow", "projects/demo"])
        let options = KernelMounts.mount(at: fx.mountpoint)?.mountOptions ?? []
        XCTAssertTrue(options.isSuperset(of: ["ro", "nodev", "nosuid"]), "mount options: \(options.sorted())")
        let d = fx.mountpoint + "/projects/demo"
        for (name, mode, dev) in devices {
            let st = Posix.lstatInfo(d + "/" + name)
            XCTAssertEqual(st.map { $0.st_mode & S_IFMT }, mode & S_IFMT, "type of \(name)")
            XCTAssertEqual(st.map { UInt64($0.st_rdev) }, dev, "rdev of \(name)")
            for flags in [O_RDONLY, O_RDONLY | O_NONBLOCK] {
                let fd = open(d + "/" + name, flags | O_CLOEXEC)
                let e = errno
                if fd >= 0 {
                    close(fd)
                    XCTFail("open \(name) through a nodev view succeeded")
                } else {
                    XCTAssertEqual(e, EACCES, "open \(name): \(Posix.name(e))")
                }
            }
        }
        XCTAssertEqual(Posix.readFile(d + "/a.txt"), .success(Array("a\n".utf8)))
    }

    // MARK: - Helpers

    static func dev(_ major: UInt64, _ minor: UInt64) -> UInt64 { (major << 8) | minor }

    static func address(_ path: String) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
        }
        return addr
    }

    static func listen(_ path: String) throws -> Int32 {
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard s >= 0, rc == 0, Glibc.listen(s, 8) == 0 else {
            throw MountFixture.Failure(description: "listen on \(path): \(String(cString: strerror(errno)))")
        }
        return s
    }

    /// connect(2) to a unix socket path: 0 or the errno.
    static func connect(_ path: String) -> Int32 {
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(s) }
        var addr = address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc == 0 ? 0 : errno
    }
}
