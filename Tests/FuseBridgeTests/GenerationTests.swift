import CFuse
import Foundation
@testable import FuseBridge
@testable import Gate
import GatePolicy
import Testing

/// Node ids are reused once the kernel forgets a node; the (node id,
/// generation) pair in the entries the bridge sends must still name one
/// node over the life of the mount. Drives the gate on a temporary source,
/// without FUSE: lookups, forgets, and the bridge's `fuse_entry_param`.
@Suite struct GenerationTests {
    @Test func aReusedNodeIdComesWithANewGeneration() throws {
        let (gate, root) = try makeGate(files: ["a", "b", "c"])
        defer { try? FileManager.default.removeItem(atPath: root) }

        let a = try param(gate.lookup(.root, Array("a".utf8), caller: nil))
        gate.forget(InodeNumber(a.ino), count: 1)
        let b = try param(gate.lookup(.root, Array("b".utf8), caller: nil))
        #expect(b.ino == a.ino, "the forgotten node's id is given to the next node")
        #expect(b.generation != a.generation)

        // Looked up again while held, a node keeps its pair.
        let bAgain = try param(gate.lookup(.root, Array("b".utf8), caller: nil))
        #expect((bAgain.ino, bAgain.generation) == (b.ino, b.generation))
        gate.forget(InodeNumber(b.ino), count: 2)
    }

    @Test func noPairIsGivenOutTwice() throws {
        let names = (0..<8).map { "f\($0)" }
        let (gate, root) = try makeGate(files: names)
        defer { try? FileManager.default.removeItem(atPath: root) }

        var seen: [UInt64: Set<UInt64>] = [:]
        var handedOut = 0
        for round in 0..<50 {
            // A different subset each round, all forgotten at its end.
            let entries = try names.enumerated().filter { ($0.offset + round) % 3 != 0 }.map {
                try param(gate.lookup(.root, Array($0.element.utf8), caller: nil))
            }
            for e in entries {
                #expect(seen[e.ino, default: []].insert(e.generation).inserted, "(\(e.ino), \(e.generation)) twice")
                handedOut += 1
                gate.forget(InodeNumber(e.ino), count: 1)
            }
        }
        #expect(seen.count < handedOut / 10, "ids were not reused: nothing tested")
    }

    /// The entry the bridge would send for a lookup that found a node.
    private func param(_ answer: LookupAnswer) throws -> fuse_entry_param {
        guard case .entry(let entry) = answer else { throw Missing() }
        return fuse_entry_param(entry)
    }

    private struct Missing: Error {}

    private func makeGate(files: [String]) throws -> (GateFileSystem, String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gatefs-gen-\(UUID().uuidString)").path
        let source = root + "/source"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        for name in files { try Data("x".utf8).write(to: URL(fileURLWithPath: source + "/" + name)) }
        let policy = Policy(PolicySpec(allow: [try Pattern("**")]))
        let gate = try GateFileSystem(
            settings: GateSettings(source: source, policy: policy), mountpoint: root + "/view", audit: nil)
        return (gate, root)
    }
}
