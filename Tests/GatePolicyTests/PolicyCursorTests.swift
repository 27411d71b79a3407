import Testing
@testable import GatePolicy

/// How the filesystem uses cursors: list a directory by stepping each child.
@Suite struct PolicyCursorTests {
    struct Listing: Sendable, CustomTestStringConvertible {
        let name: String
        let spec: PolicySpec
        /// Directory to list (walked from the root), its children as
        /// (name, isDirectory), and the names that must be shown.
        let directory: [String]
        let children: [(String, Bool)]
        let shown: [String]
        var testDescription: String { name }
    }

    static let listings: [Listing] = [
        Listing(
            name: "root under one allowed project", spec: spec(allow: ["projects/demo"]), directory: [],
            children: [("projects", true), ("music", true), (".ssh", true), ("notes.txt", false), ("projects2", true)],
            shown: ["projects"]),
        Listing(
            name: "an ancestor lists only what leads on", spec: spec(allow: ["projects/demo"]), directory: ["projects"],
            children: [("demo", true), ("other", true), ("README", false), ("demo.txt", false)], shown: ["demo"]),
        Listing(
            name: "a visible directory lists all but hidden", spec: spec(allow: ["p"], deny: ["**/*.o"]), directory: ["p"],
            children: [("a.c", false), ("a.o", false), ("sub", true), (".git", true)], shown: ["a.c", "sub", ".git"]),
        Listing(
            name: "a secret ancestor lists only excepted, allowed paths",
            spec: spec(allow: ["**"], secrets: [("ssh", [".ssh"])], except: [".ssh/known_hosts"]), directory: [".ssh"],
            children: [("known_hosts", false), ("id_rsa", false), ("config", false), ("keys", true)],
            shown: ["known_hosts"]),
    ]

    @Test(arguments: listings)
    func lists(_ listing: Listing) throws {
        let policy = Policy(listing.spec)
        var cursor = policy.root
        for name in listing.directory {
            cursor = try #require(policy.step(cursor, name: Array(name.utf8), isDirectory: true).1)
        }
        let shown = listing.children.filter { child in
            policy.step(cursor, name: Array(child.0.utf8), isDirectory: child.1).0.visibility != .hidden
        }
        #expect(shown.map(\.0) == listing.shown)
    }

    /// A cursor is stored per directory inode: keep it small.
    @Test func cursorIsCompact() {
        #expect(MemoryLayout<PolicyCursor>.size <= 24)
    }

    /// Deep in an allowed tree the live set stops changing, and a child
    /// cursor must share its parent's storage instead of allocating.
    @Test func unchangedLiveSetIsShared() throws {
        let policy = Policy(spec(allow: ["src"], deny: ["**/*.o"], secrets: [("env", ["**/.env"])]))
        var cursor = try #require(policy.step(policy.root, name: Array("src".utf8), isDirectory: true).1)
        for name in ["a", "b", "c"] {
            let child = try #require(policy.step(cursor, name: Array(name.utf8), isDirectory: true).1)
            #expect(!child.nodes.isEmpty)
            let same = child.nodes.withUnsafeBufferPointer { c in
                cursor.nodes.withUnsafeBufferPointer { p in c.baseAddress == p.baseAddress }
            }
            #expect(same)
            cursor = child
        }
    }

    /// Rules that can no longer change anything are dropped from the live
    /// set: below a visible directory, allow nodes go.
    @Test func coveredCategoriesArePruned() throws {
        let policy = Policy(spec(allow: ["a", "**/x/y"]))
        let a = try #require(policy.step(policy.root, name: Array("a".utf8), isDirectory: true).1)
        #expect(a.nodes.isEmpty)
        #expect(policy.step(a, name: Array("zzz".utf8), isDirectory: false).0 == Decision(visibility: .visible, rule: .allow("a")))
    }
}
