import Glibc
import Testing
@testable import Gate

/// opendir, readdir and readdirplus: a listing is exactly the names lookup
/// shows, in one request or continued from any offset.
@Suite struct DirectoryTests {
    @Test(arguments: [false, true])
    func listingsAreTheVisibleNames(plus: Bool) throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, deny: SourceTree.sampleDeny)
        for (path, expected) in SourceTree.sampleListings {
            let names = try h.list(path, plus: plus)
            #expect(Set(names) == expected, "list '\(path)'")
            #expect(names.count == expected.count, "list '\(path)' names each entry once")
        }
    }

    @Test func listingsOutsideTheAllowRulesShowOnlyTheWayDown() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, allow: ["projects/demo"], deny: SourceTree.sampleDeny)
        #expect(try h.list("") == ["projects"])
        #expect(try h.list("projects") == ["demo"])
        #expect(Set(try h.list("projects/demo")) == ["README.md", "src", "deep"])
    }

    /// "." and ".." come first at offsets 1 and 2, each entry's offset
    /// continues after it, and the entries of a readdirplus carry their
    /// nodes (the same a lookup gives).
    @Test func offsetsAndPlusEntries() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, deny: SourceTree.sampleDeny)
        let demo = try h.node("projects/demo")
        let dir = try h.opendir(demo).get()
        defer { h.releasedir(dir.handle) }
        let items = try h.readdir(dir.handle, plus: true).get()
        #expect(items.map(\.name).prefix(2) == [".", ".."])
        #expect(items.map(\.nextOffset) == Array(1...Int64(items.count)))
        #expect(items[0].kind == .directory && items[1].kind == .directory)
        #expect(items[0].node == nil && items[1].node == nil, ". and .. carry no reference")
        for item in items.dropFirst(2) {
            #expect(item.node == (try h.node("projects/demo/" + item.name)), "\(item.name)")
        }
        #expect(Set(items.dropFirst(2).map(\.kind)) == [.regular, .directory])
    }

    /// A listing read a few entries per request, each continuing at the
    /// last entry's offset, is the listing read at once.
    @Test(arguments: [1, 2, 3])
    func continuedListingEqualsOneListing(room: Int) throws {
        let t = try SourceTree()
        try t.sampleHome()
        for i in 0..<7 { try t.file("projects/demo/many/f\(i)", "\(i)\n") }
        try t.file("projects/demo/many/.env", "SECRET\n")
        let h = try GateHarness(t)
        let dir = try h.opendir(try h.node("projects/demo/many")).get()
        defer { h.releasedir(dir.handle) }
        let whole = try h.readdir(dir.handle).get()
        var pieces: [GateHarness.Listed] = []
        var offset: Int64 = 0
        while true {
            let piece = try h.readdir(dir.handle, offset: offset, room: room).get()
            #expect(piece.count <= room)
            guard let last = piece.last else { break }
            pieces += piece
            offset = last.nextOffset
        }
        #expect(pieces == whole)
        #expect(Set(whole.map(\.name)) == Set([".", ".."] + (0..<7).map { "f\($0)" }))
    }

    /// A listing continued after the host added a name is the listing taken
    /// when it began; reading it from offset 0 again lists afresh.
    @Test func continuationReadsTheSnapshotAndRewindingListsAgain() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t)
        let dir = try h.opendir(try h.node("projects/demo/src")).get()
        defer { h.releasedir(dir.handle) }
        let first = try h.readdir(dir.handle, room: 2).get()
        try t.file("projects/demo/src/late.c", "late\n")
        let rest = try h.readdir(dir.handle, offset: first.last!.nextOffset).get()
        #expect((first + rest).map(\.name) == [".", "..", "main.c"])
        let again = try h.readdir(dir.handle).get()
        #expect(Set(again.map(\.name)) == [".", "..", "main.c", "late.c"])
    }

    /// A readdirplus entry the reply buffer refused gives its reference back
    /// at once: the kernel never learnt of it.
    @Test func refusedPlusEntriesGiveTheirReferenceBack() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, deny: SourceTree.sampleDeny)
        let names = ["README.md", "src", "deep"]
        let nodes = try names.map { try h.node("projects/demo/" + $0) }
        let dir = try h.opendir(try h.node("projects/demo")).get()
        defer { h.releasedir(dir.handle) }
        let dots = try h.readdir(dir.handle, plus: true, room: 2).get()
        #expect(dots.map(\.name) == [".", ".."])
        #expect(nodes.map(h.references) == [1, 1, 1], "the refused entry's reference was given back")
        let all = try h.readdir(dir.handle, plus: true).get()
        #expect(all.count == 5)
        #expect(nodes.map(h.references) == [2, 2, 2], "each emitted entry holds one reference")
    }

    /// A large listing of an unchanged directory is left to the kernel's
    /// cache; any change on the host makes the next opendir list again.
    @Test func unchangedLargeListingsAreKept() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t) { $0.cachedListingMinimum = 1 }
        let src = try h.node("projects/demo/src")
        func openAndList() throws -> Bool {
            let dir = try h.opendir(src).get()
            defer { h.releasedir(dir.handle) }
            if !dir.keepListing { _ = try h.readdir(dir.handle).get() }
            return dir.keepListing
        }
        #expect(try openAndList() == false, "never listed yet")
        #expect(try openAndList() == true, "listed and unchanged")
        usleep(20_000)   // past a tick of the kernel's coarse clock, so the change moves the mtime
        try t.file("projects/demo/src/new.c", "new\n")
        #expect(try openAndList() == false, "changed on the host")
        #expect(try openAndList() == true)
    }

    @Test func directoryHandlesAreNotFileHandles() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t)
        let file = try h.node("notes.txt")
        #expect(h.opendir(file).errno == ENOTDIR)
        let dir = try h.opendir(.root).get()
        #expect(h.read(dir.handle).errno == EBADF)
        let fh = try h.open(file).get()
        #expect(h.readdir(fh).errno == EBADF)
        h.release(fh)
        h.releasedir(dir.handle)
        #expect(h.readdir(dir.handle).errno == EBADF, "released")
    }
}
