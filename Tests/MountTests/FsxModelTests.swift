import Foundation
import Glibc
import XCTest

/// fsx-style model test: one seeded random sequence of operations applied
/// step by step to a native directory (the model) and, through the view,
/// to a write-granted directory. After every step the results (errno) and
/// both trees (names, types, modes, owners, files' link counts and sizes,
/// contents, link targets) must be equal.
///
/// CI runs the fixed seed below; `GATEFS_FSX_SEED` and `GATEFS_FSX_OPS`
/// pick another sequence and length.
final class FsxModelTests: MountTestCase {
    static let defaultSeed: UInt64 = 0x6A7E_F512
    static let defaultCount = 1500
    /// The sequence runs this deep inside the grant: a relative link moved
    /// up by a rename may point up to two levels above where it was made,
    /// and must still name a place inside the grant on both sides.
    static let depth = "fsx/1/2"

    func testRandomOperationsThroughTheViewMatchNative() throws {
        let fx = try makeFixture()
        let native = fx.directory + "/native/" + Self.depth
        try TreeBuilder(root: native).directory("")
        try fx.tree.directory("work/" + Self.depth)
        try fx.mountLive(["--allow-write", "work"])
        try Self.run(native: native, other: fx.mountpoint + "/work/" + Self.depth, otherName: "view")
    }

    /// The same sequence twice natively: if this differs, the driver (not
    /// gatefs) depends on something besides the seed.
    func testRandomOperationsRunTheSameTwiceNatively() throws {
        let fx = try makeFixture()
        let (one, two) = (fx.directory + "/one", fx.directory + "/two")
        try TreeBuilder(root: one).directory("")
        try TreeBuilder(root: two).directory("")
        try Self.run(native: one, other: two, otherName: "second native")
    }

    static func run(native: String, other: String, otherName: String) throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["GATEFS_FSX_SEED"].flatMap { $0.hasPrefix("0x") ? UInt64($0.dropFirst(2), radix: 16) : UInt64($0) }
            ?? defaultSeed
        let count = env["GATEFS_FSX_OPS"].flatMap { Int($0) } ?? defaultCount
        var rng = PseudoRandomBytes(seed: seed)
        var done: [String] = []
        let steps = FsxOperation.start + (0..<count).map { _ in FsxOperation.random(&rng) }
        for (step, op) in steps.enumerated() {
            let expected = op.apply(in: native)
            let got = op.apply(in: other)
            done.append("\(step): \(op) -> \(expected)")
            var problems: [String] = []
            if expected != got { problems.append("result: native \(expected), \(otherName) \(got)") }
            let (a, b) = (try shape(native), try shape(other))
            for path in Set(a.keys).union(b.keys).sorted() where a[path] != b[path] {
                problems.append("\(path): native \(a[path].map(String.init(describing:)) ?? "absent"), \(otherName) \(b[path].map(String.init(describing:)) ?? "absent")")
            }
            if !problems.isEmpty {
                XCTFail("""
                    fsx: seed \(seed) (GATEFS_FSX_SEED=\(seed)), step \(step) of \(steps.count): \(op)
                    \(problems.joined(separator: "\n"))
                    the sequence so far:
                    \(done.joined(separator: "\n"))
                    """)
                return
            }
        }
        print("fsx: seed \(seed), \(steps.count) steps, native and \(otherName) agree")
    }

    /// A node as compared: its stat fields without what must differ between
    /// two directories (times, inode numbers, a directory's own size), and its bytes.
    struct Shape: Equatable, CustomStringConvertible {
        let fields: String
        let contents: [UInt8]
        var description: String { "\(fields) contents \(contents.count) bytes fnv1a \(String(PosixProbe.fnv1a(contents), radix: 16))" }
    }

    static func shape(_ root: String) throws -> [String: Shape] {
        try TreeSnapshot(of: root).nodes.filter { !$0.key.isEmpty }.mapValues { n in
            // A directory's size and link count are left out, as in PosixProbe.fields.
            let counts = n.mode & S_IFMT == S_IFDIR ? "" : " nlink \(n.nlink) size \(n.size)"
            return Shape(fields: "mode \(String(n.mode, radix: 8)) uid \(n.uid) gid \(n.gid)" + counts, contents: n.contents)
        }
    }
}
