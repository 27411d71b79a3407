import Foundation
import Glibc
import Synchronization
import XCTest

/// Finding 5: handles open on the same file at once share the kernel's page
/// cache, so bytes one handle reads after another already read them are
/// served by the kernel and never reach the daemon: the log undercounts.
/// Every handle's `close` line must count every byte read through it.
final class AuditParallelReadTests: MountTestCase {
    /// B opens, A opens and reads the whole file, then B reads it all.
    func testFinding5SecondHandleReadingAfterAnotherHasItsBytesLogged() throws {
        let fx = try makeFixture()
        let relative = "projects/demo/shared.bin"
        let size = (1 << 20) + 4_321
        try fx.sizedFile(relative, size, seed: 0x5EED_A)
        let expected = try XCTUnwrap(Posix.readFile(fx.source + "/" + relative).escapeValue)
        try fx.mountLive(["--allow", "projects/demo"])
        let path = fx.mountpoint + "/" + relative

        let b = open(path, O_RDONLY | O_CLOEXEC)
        let a = open(path, O_RDONLY | O_CLOEXEC)
        XCTAssertTrue(a >= 0 && b >= 0, "open: \(Posix.name(errno))")
        let readA = EscapeRawFS.readAll(fd: a).escapeValue
        let readB = EscapeRawFS.readAll(fd: b).escapeValue
        close(a)
        close(b)
        XCTAssertTrue(readA == expected, "A read \(readA?.count ?? -1) bytes that differ from the file's \(size)")
        XCTAssertTrue(readB == expected, "B read \(readB?.count ?? -1) bytes that differ from the file's \(size)")

        guard let log = AuditTestLog.wait(fx.log, until: { $0.filter { $0.event == "close" && $0.path == relative }.count >= 2 })
        else { return XCTFail("no two close lines for \(relative):\n\(AuditTestLog(fx.log).rawLines.suffix(20).joined(separator: "\n"))") }
        let opens = log.lines.filter { $0.event == "open" && $0.path == relative && $0.result == "ok" }.sorted { $0.seq < $1.seq }
        XCTAssertEqual(opens.count, 2, "open lines: \(opens)")
        guard opens.count == 2 else { return }
        let closeOf = { (h: UInt64?) in log.lines.first { $0.event == "close" && $0.handle == h } }
        // B opened first, so its open line comes first.
        XCTAssertEqual(closeOf(opens[0].handle)?.bytes, UInt64(size),
                       "B read the whole file after A had; its close line: \(closeOf(opens[0].handle).map(String.init(describing:)) ?? "none")")
        XCTAssertEqual(closeOf(opens[1].handle)?.bytes, UInt64(size),
                       "A's close line: \(closeOf(opens[1].handle).map(String.init(describing:)) ?? "none")")
    }

    /// 8 reader threads, each with its own descriptors for all 16 files
    /// (4 MiB each), read every file fully in its own random order: the
    /// `close` lines together count exactly the bytes read(2) returned.
    func testFinding5ParallelReadersCloseLinesAddUpToTheBytesRead() throws {
        let fx = try makeFixture()
        let (files, readers, size) = (16, 8, 4 << 20)
        let relatives = (0..<files).map { "projects/demo/data/f\($0).bin" }
        var contents: [[UInt8]] = []
        for (i, relative) in relatives.enumerated() {
            try fx.sizedFile(relative, size, seed: 0xF11E + UInt64(i))
            contents.append(try XCTUnwrap(Posix.readFile(fx.source + "/" + relative).escapeValue))
        }
        try fx.mountLive(["--allow", "projects/demo"])
        let paths = relatives.map { fx.mountpoint + "/" + $0 }
        let data = contents

        let opened = Atomic<Int>(0)
        let readBytes = Atomic<Int>(0)
        let problems = SharedProblems()
        EscapeTestCase.concurrently(readers) { r in
            // Every reader holds all its handles before any reads: every file is open several times at once.
            let fds = paths.map { open($0, O_RDONLY | O_CLOEXEC) }
            if let bad = fds.firstIndex(where: { $0 < 0 }) { problems.append("reader \(r): open f\(bad).bin failed") }
            opened.add(1, ordering: .relaxed)
            while opened.load(ordering: .relaxed) < readers { usleep(1_000) }
            var order = Array(0..<files)
            var random = PseudoRandomBytes(seed: 0xBEEF + UInt64(r))
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.below(i + 1)) }
            for f in order where fds[f] >= 0 {
                let (n, mismatch) = Self.readAndCompare(fds[f], data[f])
                readBytes.add(n, ordering: .relaxed)
                if mismatch { problems.append("reader \(r): f\(f).bin returned bytes that differ from the source") }
            }
            for fd in fds where fd >= 0 { close(fd) }
        }
        assertNoProblems(problems.all, "readers")
        let total = readBytes.load(ordering: .relaxed)
        XCTAssertEqual(total, readers * files * size, "the readers did not read every file fully")

        let wanted = Set(relatives)
        guard let log = AuditTestLog.wait(fx.log, timeout: 30, until: {
            $0.filter { $0.event == "close" && wanted.contains($0.path) }.count >= readers * files
        }) else { return XCTFail("fewer than \(readers * files) close lines") }
        let closes = log.lines.filter { $0.event == "close" && wanted.contains($0.path) }
        let logged = closes.reduce(UInt64(0)) { $0 + ($1.bytes ?? 0) }
        XCTAssertEqual(closes.count, readers * files, "close lines")
        XCTAssertEqual(logged, UInt64(total),
                       "the close lines count \(logged) bytes, the readers read \(total): "
                       + "\(UInt64(total) - min(logged, UInt64(total))) bytes were read without a trace")
    }

    /// Whatever keeps concurrent reads visible must not break mmap: a
    /// MAP_PRIVATE mapping of the whole file, made while another handle on
    /// it is open (and has read it), holds the file's bytes.
    func testFinding5MmapWorksWhileAnotherHandleIsOpen() throws {
        let fx = try makeFixture()
        let relative = "projects/demo/mapped.bin"
        let size = (2 << 20) + 777
        try fx.sizedFile(relative, size, seed: 0x3A9)
        let expected = try XCTUnwrap(Posix.readFile(fx.source + "/" + relative).escapeValue)
        try fx.mountLive(["--allow", "projects/demo"])
        let path = fx.mountpoint + "/" + relative

        let other = open(path, O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(other, 0, "open: \(Posix.name(errno))")
        defer { close(other) }
        XCTAssertEqual(EscapeRawFS.readAll(fd: other).escapeValue?.count, size)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0, "open: \(Posix.name(errno))")
        defer { close(fd) }
        let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let map, map != MAP_FAILED else { return XCTFail("mmap MAP_PRIVATE through the view: \(Posix.name(errno))") }
        defer { munmap(map, size) }
        let same = expected.withUnsafeBytes { memcmp(map, $0.baseAddress!, size) == 0 }
        XCTAssertTrue(same, "the mapping does not hold the file's bytes")
    }

    /// Reads `fd` to its end in 1 MiB steps: the bytes read(2) returned,
    /// and whether any of them differ from `expected` at their offset.
    private static func readAndCompare(_ fd: Int32, _ expected: [UInt8]) -> (Int, Bool) {
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        var (total, mismatch) = (0, false)
        while true {
            let n = read(fd, buffer.baseAddress, chunk)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if n < 0 { mismatch = true }
                return (total, mismatch)
            }
            if total + n > expected.count
                || expected.withUnsafeBytes({ memcmp(buffer.baseAddress!, $0.baseAddress! + total, n) }) != 0 {
                mismatch = true
            }
            total += n
        }
    }
}
