import Foundation
import Glibc
import XCTest

/// Bytes read through the view are the source's bytes, sequentially and at
/// random offsets, for small edge-sized files and one file over 100 MiB.
final class ReadTests: MountTestCase {
    static let bigSize = 100 * 1024 * 1024 + 12_345

    func testEveryAllowedFileReadsBackIdentically() throws {
        let fx = try makeFixture()
        var random = PseudoRandomBytes(seed: 0x6A7E_F5)
        for size in [0, 1, 4095, 4096, 4097, 65_536, 131_073, 1_048_583] {
            try fx.tree.file("projects/demo/sizes/\(size).bin", bytes: random.bytes(size))
        }
        try fx.tree.file("projects/demo/src/main.c", "int main(void) { return 0; }\n")
        try fx.tree.file("projects/other/not-allowed.txt", "nope\n")
        let big = random.bytes(ReadTests.bigSize)
        try big.withUnsafeBytes { try fx.tree.file("projects/demo/big.bin", contents: $0) }
        try fx.mountLive(["--allow", "projects/demo"])
        let view = fx.mountpoint

        let files = try fx.find(view).filter { Posix.lstatInfo(view + "/" + $0).map { $0.st_mode & S_IFMT == S_IFREG } ?? false }
        XCTAssertEqual(files.count, 10, "regular files in the view: \(files)")
        for path in files where path != "projects/demo/big.bin" {
            assertSameBytes(view + "/" + path, fx.source + "/" + path)
        }
        for path in files {
            assertSameAttributes(view + "/" + path, fx.source + "/" + path)
        }

        let bigPath = view + "/projects/demo/big.bin"
        XCTAssertEqual(Posix.lstatInfo(bigPath).map { Int($0.st_size) }, ReadTests.bigSize, "st_size through the view")
        let fd = open(bigPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return XCTFail("open \(bigPath): \(Posix.name(errno))") }
        defer { close(fd) }
        try assertSequentialRead(fd, equals: big)
        try assertRandomReads(fd, equal: big, count: 400, random: &random)
    }

    /// What `ls -l` shows through the view is the source's: type and mode, owner, size, mtime.
    private func assertSameAttributes(_ viewPath: String, _ sourcePath: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let v = Posix.lstatInfo(viewPath), let s = Posix.lstatInfo(sourcePath) else {
            return XCTFail("lstat \(viewPath) or \(sourcePath) failed", file: file, line: line)
        }
        XCTAssertEqual(v.st_mode, s.st_mode, "st_mode of \(viewPath)", file: file, line: line)
        XCTAssertEqual(v.st_size, s.st_size, "st_size of \(viewPath)", file: file, line: line)
        XCTAssertEqual(v.st_uid, s.st_uid, "st_uid of \(viewPath)", file: file, line: line)
        XCTAssertEqual(v.st_gid, s.st_gid, "st_gid of \(viewPath)", file: file, line: line)
        XCTAssertEqual(timespec.Fields(v.st_mtim), timespec.Fields(s.st_mtim), "st_mtim of \(viewPath)", file: file, line: line)
    }

    /// Reads the whole file in 1 MiB chunks and compares each with the source bytes.
    private func assertSequentialRead(_ fd: Int32, equals expected: [UInt8]) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return XCTFail("read at \(offset): \(Posix.name(errno))") }
            if n == 0 { break }
            guard offset + n <= expected.count else { return XCTFail("read past the end: \(offset + n) > \(expected.count)") }
            let same = buffer.withUnsafeBytes { b in expected.withUnsafeBytes { e in memcmp(b.baseAddress!, e.baseAddress! + offset, n) == 0 } }
            guard same else { return XCTFail("bytes differ in the chunk at offset \(offset)") }
            offset += n
        }
        XCTAssertEqual(offset, expected.count, "bytes read sequentially")
    }

    /// pread at random offsets and sizes, plus the edges: the last byte, a
    /// read straddling the end, and reads at and past the end.
    private func assertRandomReads(_ fd: Int32, equal expected: [UInt8], count: Int, random: inout PseudoRandomBytes) throws {
        let total = expected.count
        var probes: [(offset: Int, size: Int)] = [(total - 1, 1), (total - 1000, 4096), (total, 100), (total + 4096, 10), (0, 1)]
        for _ in 0..<count {
            probes.append((random.below(total), 1 + random.below(300 * 1024)))
        }
        var buffer = [UInt8](repeating: 0, count: 300 * 1024 + 4096)
        for (offset, size) in probes {
            let want = max(0, min(size, total - offset))
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, size, off_t(offset)) }
            guard n == want else {
                XCTFail("pread(\(size) at \(offset)) returned \(n) (\(Posix.name(errno))), expected \(want)")
                continue
            }
            let same = buffer.withUnsafeBytes { b in expected.withUnsafeBytes { e in memcmp(b.baseAddress!, e.baseAddress! + min(offset, total), n) == 0 } }
            XCTAssertTrue(same, "pread(\(size) at \(offset)): bytes differ")
        }
    }
}
