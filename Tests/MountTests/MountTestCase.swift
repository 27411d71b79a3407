import Foundation
import Glibc
import XCTest

/// Base class for real-mount tests: hands out fixtures whose teardown runs
/// whether the test passes, fails or throws.
class MountTestCase: XCTestCase {
    func makeFixture() throws -> MountFixture {
        let fixture = try MountFixture()
        addTeardownBlock {
            for problem in fixture.tearDown() {
                XCTFail(problem)
            }
        }
        return fixture
    }

    /// Sorted-list equality with a readable diff.
    func assertSameEntries(
        _ actual: [String], _ expected: [String], _ message: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let (a, e) = (Set(actual), Set(expected))
        if a == e && actual.count == expected.count { return }
        XCTFail("""
            \(message)
            unexpected: \(a.subtracting(e).sorted())
            missing:    \(e.subtracting(a).sorted())
            """, file: file, line: line)
    }

    /// The call must fail with one of `expected` (errno values).
    func assertErrno(
        _ expected: Set<Int32>, _ label: String, closingResult: Bool = false,
        file: StaticString = #filePath, line: UInt = #line, _ body: () -> Int32
    ) {
        let got = Posix.failure(closingResult: closingResult, body)
        XCTAssertTrue(
            expected.contains(got),
            "\(label): got \(Posix.name(got)), expected \(expected.map(Posix.name).sorted().joined(separator: " or "))",
            file: file, line: line)
    }

    func assertErrno(
        _ expected: Int32, _ label: String, closingResult: Bool = false,
        file: StaticString = #filePath, line: UInt = #line, _ body: () -> Int32
    ) {
        assertErrno([expected], label, closingResult: closingResult, file: file, line: line, body)
    }

    /// lstat through the view must say ENOENT: hidden names do not exist.
    func assertAbsent(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        let e = Posix.lstatError(path)
        XCTAssertEqual(e, ENOENT, "lstat \(path): got \(Posix.name(e)), expected ENOENT", file: file, line: line)
    }

    func assertPresent(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        let e = Posix.lstatError(path)
        XCTAssertEqual(e, 0, "lstat \(path): got \(Posix.name(e)), expected it to exist", file: file, line: line)
    }

    /// A directory listing (readdir) must be exactly `expected`.
    func assertListing(
        _ path: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            assertSameEntries(try DirectoryListing.names(path), expected, "readdir \(path)", file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    /// The file read through the view must equal the source's bytes.
    func assertSameBytes(
        _ viewPath: String, _ sourcePath: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        let expected = Posix.readFile(sourcePath)
        let actual = Posix.readFile(viewPath)
        switch (actual, expected) {
        case (.success(let a), .success(let e)):
            XCTAssertTrue(a == e, "\(viewPath): \(a.count) bytes differ from the source's \(e.count)", file: file, line: line)
        case (.failure(let err), _):
            XCTFail("read \(viewPath): \(err)", file: file, line: line)
        case (_, .failure(let err)):
            XCTFail("read \(sourcePath): \(err)", file: file, line: line)
        }
    }
}
