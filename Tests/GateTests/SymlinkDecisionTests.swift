import Glibc
import Testing
@testable import Gate

/// A symlink is shown only when the gate's own resolution, one name at a
/// time inside the source, ends on a visible path; readlink then answers
/// the canonical target, relative, through visible directories. Every
/// other link is missing. The same cases as the mount tier's SymlinkTests
/// and EscapeSymlinkTests, decided here without a kernel.
@Suite struct SymlinkDecisionTests {
    static let shown: [(String, String, String)] = [
        // (link, raw target, readlink)
        ("link-main", "src/main.c", "src/main.c"),
        ("src/link-readme", "../README.md", "../README.md"),
        ("roundtrip", "../../projects/demo/README.md", "README.md"),
        ("dotted", "./src/../src/main.c", "src/main.c"),
        ("chain-ok1", "chain-ok2", "src/main.c"),
        ("chain-ok2", "src/main.c", "src/main.c"),
        ("cfg", "config", "config"),
        ("via-cfg", "cfg/app.toml", "config/app.toml"),
        ("src/up", "../config/app.toml", "../config/app.toml"),
        ("src/deep", "../../demo/src/../src/main.c", "main.c"),
        ("e", ".ssh-notes/../README.md", "README.md"),
        ("here", ".", "."),
    ]

    static let hidden: [(String, String)] = [
        ("esc-rel", "../../.ssh/id_ed25519"),
        ("passwd", "/etc/passwd"),
        ("passwd-rel", String(repeating: "../", count: 12) + "etc/passwd"),
        ("up-out", "../../../source/.ssh/id_ed25519"),
        ("dangling", "does-not-exist"),
        ("loop-a", "loop-b"), ("loop-b", "loop-a"), ("self", "self"),
        ("chain1", "chain2"), ("chain2", "src/../chain3"), ("chain3", "../../.aws/credentials"),
        ("to-other", "../other/notes.txt"),
        ("to-env", ".env"), ("to-env-via-cfg", "cfg/.env"), ("to-pem", "config/tls.pem"),
        ("sshdir", "../../.ssh"), ("into-sshdir", "sshdir/id_ed25519"),
        ("via-ssh", "../../.ssh/../projects/demo/src/main.c"),
        ("empty-dir-escape", "src/../../../.."),
    ]

    static func tree() throws -> SourceTree {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        try t.file("projects/demo/src/main.c", "int main(void) { return 0; }\n")
        try t.file("projects/demo/config/app.toml", "name = \"demo\"\n")
        try t.file("projects/demo/config/.env", "SECRET=1\n")
        try t.file("projects/demo/config/tls.pem", "SECRET pem\n")
        try t.file("projects/demo/.env", "SECRET=2\n")
        try t.file("projects/demo/.ssh-notes/n.txt", "notes\n")
        try t.file("projects/other/notes.txt", "other\n")
        try t.file(".ssh/id_ed25519", "SECRET ssh\n")
        try t.file(".aws/credentials", "SECRET aws\n")
        for (link, target, _) in shown { try t.symlink("projects/demo/" + link, to: target) }
        for (link, target) in hidden { try t.symlink("projects/demo/" + link, to: target) }
        try t.symlink("projects/demo/esc-abs", to: t.source + "/.ssh/id_ed25519")
        try t.symlink("projects/demo/abs-inside", to: t.source + "/projects/demo/README.md")
        return t
    }

    @Test func linksResolvingToVisiblePathsAreShownWithCanonicalTargets() throws {
        let t = try Self.tree()
        let h = try GateHarness(t, allow: ["projects/demo"])
        for (link, target, canonical) in Self.shown {
            let ino = try h.node("projects/demo/" + link)
            #expect(try h.getattr(ino).get().kind == .symlink, "\(link)")
            #expect(h.readlink(ino) == .success(canonical), "readlink \(link) -> \(target)")
        }
        #expect(try h.contents("projects/demo/" + "config/app.toml") == Array("name = \"demo\"\n".utf8))
        #expect(h.readlink(try h.node("projects/demo/README.md")).errno == EINVAL, "not a link")
    }

    @Test func linksLeavingTheViewAreMissing() throws {
        let t = try Self.tree()
        let h = try GateHarness(t, allow: ["projects/demo"])
        let missing = h.lookup("projects/demo/no-such-link")
        for link in Self.hidden.map(\.0) + ["esc-abs", "abs-inside"] {
            #expect(h.lookup("projects/demo/" + link) == missing, "lookup \(link)")
        }
        let shownNames = Set(Self.shown.map(\.0).filter { !$0.contains("/") })
        #expect(Set(try h.list("projects/demo")) == shownNames.union(["README.md", "src", "config", ".ssh-notes"]))
        #expect(Set(try h.list("projects/demo/src")) == ["main.c", "link-readme", "up", "deep"])
        #expect(try h.list("projects/demo/config") == ["app.toml"])
    }

    /// Chains that stay inside work up to Linux's 40 hops; a chain leaving
    /// at its last hop, a loop, or a 41st hop is missing.
    @Test func chainsAndLoops() throws {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        try t.file("projects/demo/sub/file.txt", "file\n")
        try t.file(".aws/credentials", "SECRET aws\n")
        try t.file(".ssh/id_ed25519", "SECRET ssh\n")
        for i in 0..<9 { try t.symlink("projects/demo/hop\(i)", to: i % 2 == 0 ? "sub/../hop\(i + 1)" : "./hop\(i + 1)") }
        try t.symlink("projects/demo/hop9", to: "../../.aws/credentials")
        try t.symlink("projects/demo/d1", to: "sub")
        try t.symlink("projects/demo/sub/l2", to: "../d2")
        try t.symlink("projects/demo/d2", to: "../../.ssh")
        try t.symlink("projects/demo/via-dirs", to: "d1/l2/id_ed25519")
        try t.symlink("projects/demo/loop-a", to: "loop-b")
        try t.symlink("projects/demo/loop-b", to: "sub/../loop-c")
        try t.symlink("projects/demo/loop-c", to: "loop-a")
        try t.symlink("projects/demo/loop-dir", to: "loop-dir/x")
        try t.symlink("projects/demo/loop-parent", to: "sub/../loop-parent/README.md")
        for i in 0..<41 { try t.symlink("projects/demo/long\(i)", to: i == 40 ? "README.md" : "long\(i + 1)") }
        for i in 0..<20 { try t.symlink("projects/demo/ok\(i)", to: i == 19 ? "sub/file.txt" : "ok\(i + 1)") }
        let h = try GateHarness(t, allow: ["projects/demo"])
        let missing = h.lookup("projects/demo/nothing")
        let hiddenLinks = (0..<10).map { "hop\($0)" }
            + ["d2", "sub/l2", "via-dirs", "loop-a", "loop-b", "loop-c", "loop-dir", "loop-parent", "long0"]
        for link in hiddenLinks {
            #expect(h.lookup("projects/demo/" + link) == missing, "lookup \(link)")
        }
        #expect(h.readlink(try h.node("projects/demo/ok0")) == .success("sub/file.txt"))
        #expect(h.readlink(try h.node("projects/demo/long1")) == .success("README.md"), "40 hops from long1")
        #expect(h.readlink(try h.node("projects/demo/d1")) == .success("sub"))
        #expect(try h.list("projects/demo/sub") == ["file.txt"])
    }

    /// Why a resolution fails, as the resolver reports it (lookup turns
    /// every one of these into a missing name).
    @Test func resolutionFailuresByKind() throws {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        try t.file(".ssh/id_ed25519", "SECRET ssh\n")
        try t.symlink("projects/demo/loop-a", to: "loop-b")
        try t.symlink("projects/demo/loop-b", to: "loop-a")
        try t.symlink("projects/demo/abs", to: "/etc/passwd")
        let h = try GateHarness(t, allow: ["projects/demo"])
        let demo = try h.node("projects/demo")
        #expect(h.resolve("loop-a", from: demo).errno == ELOOP)
        #expect(h.resolve("/etc/passwd", from: demo).errno == EXDEV)
        #expect(h.resolve("abs", from: demo).errno == EXDEV, "an absolute target met on the way")
        #expect(h.resolve("", from: demo).errno == EXDEV)
        #expect(h.resolve("../../..", from: demo).errno == EXDEV, "above the source root")
        #expect(h.resolve("../../.ssh/id_ed25519", from: demo).errno == EACCES, "through a hidden name")
        #expect(h.resolve("nothing", from: demo).errno == EACCES, "a missing name")
        #expect(h.resolve("README.md/x", from: demo).errno == ENOTDIR)
        #expect(h.resolve("../demo/./README.md", from: demo) == .success("projects/demo/README.md"))
        #expect(h.resolve("..", from: demo) == .success("projects"))
    }

    /// A link to an ancestor of secrets is shown; what the kernel then
    /// lists through it is the view of that directory, secrets left out.
    @Test func linksToDirectoriesHoldingSecrets() throws {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        try t.file(".ssh/id_ed25519", "SECRET ssh\n")
        try t.file(".docker/config.json", "SECRET docker\n")
        try t.file(".docker/other.json", "{}\n")
        try t.symlink("projects/demo/home", to: "../..")
        try t.symlink("projects/demo/docker", to: "../../.docker")
        try t.symlink("notes", to: ".ssh/id_ed25519")
        try t.symlink("up", to: "..")
        let h = try GateHarness(t)
        #expect(h.readlink(try h.node("projects/demo/home")) == .success("../.."))
        #expect(h.readlink(try h.node("projects/demo/docker")) == .success("../../.docker"))
        #expect(Set(try h.list("")) == [".docker", "projects"])
        #expect(try h.list(".docker") == ["other.json"])
        #expect(h.lookup("notes") == h.lookup("nothing"))
        #expect(h.lookup("up") == h.lookup("nothing"))
    }

    /// The link is replaced on the host after lookup (as an agent writing
    /// to its project could): the node is stale and the new link missing.
    /// A link whose target became an escape answers readlink with ENOENT.
    @Test func linksChangedAfterLookupNeverLeadOut() throws {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        try t.file("projects/demo/target.txt", "target\n")
        try t.file(".ssh/id_ed25519", "SECRET ssh\n")
        try t.symlink("projects/demo/flip", to: "README.md")
        try t.symlink("projects/demo/steady", to: "target.txt")
        let h = try GateHarness(t, allow: ["projects/demo"], log: .outside)
        let flip = try h.node("projects/demo/flip")
        let steady = try h.node("projects/demo/steady")
        #expect(h.readlink(flip) == .success("README.md"))

        try t.symlink("projects/demo/flip.new", to: "../../.ssh/id_ed25519")
        try t.rename("projects/demo/flip.new", to: "projects/demo/flip")
        #expect(h.readlink(flip).errno == ESTALE)
        #expect(h.lookup("projects/demo/flip") == h.lookup("projects/demo/nothing"))

        try t.remove("projects/demo/target.txt")
        try t.symlink("projects/demo/target.txt", to: "../../.ssh/id_ed25519")
        #expect(h.readlink(steady).errno == ENOENT)
        let denies = try h.auditRecords().filter { $0.event == "deny" }
        #expect(denies.contains { $0.op == "readlink" && $0.path == "projects/demo/steady" && $0.rule == "symlink-escape" })
        #expect(denies.contains { $0.op == "lookup" && $0.path == "projects/demo/flip" && $0.rule == "symlink-escape" })
    }
}
