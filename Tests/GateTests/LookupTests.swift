import Glibc
import Testing
@testable import Gate

/// lookup on a real source tree, no mount: what is shown, and that a hidden
/// name gets exactly the answer a missing one gets.
@Suite struct LookupTests {
    @Test func visibleNamesAreEntriesWithTheSourceAttributes() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, deny: SourceTree.sampleDeny)
        for path in ["notes.txt", "projects/demo/README.md", "projects/demo/deep/er/notes.txt", "alice", "projects/other"] {
            let ino = try h.node(path)
            let st = try h.getattr(ino).get()
            let source = try t.lstat(path)
            #expect(st.ino == UInt64(source.st_ino), "\(path): the view shows the source's inode numbers by default")
            #expect(st.mode == source.st_mode, "\(path)")
            #expect(st.kind == .directory ? st.nlink == 1 : st.size == UInt64(source.st_size), "\(path)")
        }
    }

    @Test func hiddenNamesAnswerExactlyAsMissingOnes() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, deny: SourceTree.sampleDeny)
        let missing = h.lookup("projects/demo/no-such-file")
        #expect(missing == .negative(timeout: h.gate.negativeTimeout))
        for (path, _) in SourceTree.sampleHiddenRules {
            #expect(h.lookup(path) == missing, "lookup \(path)")
            #expect(h.lookup(path) == missing, "lookup \(path) again, once the store is noted")
        }
        // Every file inside a hidden directory: the walk stops at the hidden name,
        // as it stops at a missing one.
        for (path, _) in SourceTree.sampleHidden {
            #expect(h.lookup(path) == missing, "lookup \(path)")
        }
        #expect(h.lookup("no-such-dir/id_ed25519") == missing)
    }

    @Test func namesOutsideTheAllowRulesAreMissing() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, allow: ["projects/demo"])
        let missing = h.lookup("projects/nothing")
        for path in ["notes.txt", "alice", "projects/other", "projects/other/notes.txt", ".ssh", "projects/demo/.env"] {
            #expect(h.lookup(path) == missing, "lookup \(path)")
        }
        _ = try h.node("projects")
        _ = try h.node("projects/demo/README.md")
        _ = try h.node("projects/demo/deep/er/notes.txt")
    }

    /// Names the kernel never sends for a real walk, and parents the gate
    /// does not hold: errors, not negative entries.
    @Test func dotNamesAndUnknownParentsAreErrors() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t)
        for name in ["", ".", ".."] {
            #expect(h.lookup(in: .root, name) == .error(ENOENT), "lookup '\(name)'")
        }
        #expect(h.lookup(in: InodeNumber(9_999), "notes.txt") == .error(ENOENT))
        let file = try h.node("notes.txt")
        #expect(h.lookup(in: file, "x") == .error(ENOENT), "a file is no parent")
        #expect(h.getattr(InodeNumber(9_999)).errno == ENOENT)
    }

    /// A repeated lookup adds a reference to the same node; forget drops
    /// them, and at zero the node is gone.
    @Test func referencesAndForget() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t)
        let ino = try h.node("projects/demo/README.md")
        #expect(try h.node("projects/demo/README.md") == ino)
        #expect(h.references(ino) == 2)
        h.forget(ino)
        #expect(h.references(ino) == 1)
        #expect(h.getattr(ino).errno == 0)
        h.forget(ino)
        #expect(h.references(ino) == 0)
        #expect(h.getattr(ino).errno == ENOENT)
        #expect(h.references(try h.node("projects/demo/README.md")) == 1, "looked up afresh after forget")
    }

    @Test func privateInodeNumbersAreNodeIDs() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t) { $0.inodeNumbers = .private }
        for path in ["notes.txt", "projects", "projects/demo/src/main.c"] {
            let ino = try h.node(path)
            #expect(try h.getattr(ino).get().ino == ino.raw, "\(path)")
        }
    }

    /// A file replaced on the host after lookup is another file: the node
    /// the kernel holds is stale, and a fresh lookup finds the new one.
    @Test func fileSwappedAfterLookupIsStale() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t)
        let old = try h.node("notes.txt")
        try t.file("notes.new", "replaced\n")
        try t.rename("notes.new", to: "notes.txt")
        #expect(h.getattr(old).errno == ESTALE)
        #expect(h.open(old).errno == ESTALE)
        #expect(try h.contents("notes.txt") == Array("replaced\n".utf8))
    }

    /// The view's own mountpoint inside the source (never mounted here) is
    /// missing from the view.
    @Test func mountpointInsideTheSourceIsMissing() throws {
        let t = try SourceTree()
        try t.sampleHome()
        try t.directory("view")
        let h = try GateHarness(t, mountpointInSource: "view")
        #expect(h.lookup("view") == h.lookup("no-such-view"))
        #expect(h.lookup("view") == .negative(timeout: h.gate.negativeTimeout))
        #expect(!(try h.list("")).contains("view"))
    }
}
