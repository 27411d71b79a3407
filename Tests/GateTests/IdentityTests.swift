import Foundation
import GateAuditReader
import Glibc
import Testing
@testable import Gate

/// Identity beats names: a hard link to a secret, or to the daemon's own
/// audit log, is hidden wherever it is linked and whatever it is called.
@Suite struct IdentityTests {
    @Test func hardLinksToSecretsAreMissingAndOrdinaryOnesShown() throws {
        let t = try SourceTree()
        try t.sampleHome()
        try t.file(".docker/config.json", "SECRET docker\n")
        try t.file("projects/demo/a.txt", "shared bytes\n")
        try t.hardLink("projects/demo/b.txt", to: "projects/demo/a.txt")
        let links = [
            ("projects/demo/innocent.txt", ".ssh/id_ed25519"),        // a fixed-path store
            ("projects/demo/deep/er/aws.ini", ".aws/credentials"),
            ("projects/demo/docker.json", ".docker/config.json"),    // a fixed-path file
            ("projects/demo/upper.txt", ".SSH/id_rsa"),               // case-folded: noted at mount
            ("projects/demo/backup.txt", ".ssh.bak/id_ed25519"),      // a backup variant
            ("projects/other/alice.ini", "alice/.aws/credentials"),   // one level below the root
        ]
        for (link, secret) in links { try t.hardLink(link, to: secret) }
        let h = try GateHarness(t, deny: SourceTree.sampleDeny, log: .outside)
        let missing = h.lookup("projects/demo/nothing")
        for (link, secret) in links {
            #expect(h.lookup(link) == missing, "lookup \(link), a hard link to \(secret)")
        }
        #expect(Set(try h.list("projects/demo")) == ["README.md", "src", "deep", "a.txt", "b.txt"])
        #expect(try h.list("projects/demo/deep/er") == ["notes.txt"])
        #expect(try h.list("projects/other") == ["notes.txt"])
        #expect(try h.contents("projects/demo/b.txt") == Array("shared bytes\n".utf8))
        #expect(try h.getattr(try h.node("projects/demo/b.txt")).get().nlink == 2)
        let denies = try h.auditRecords().filter { $0.event == "deny" && $0.rule == "hardlink-secret" }
        for (link, _) in links {
            #expect(denies.contains { $0.path == link && $0.op == "lookup" }, "deny line for \(link)")
        }
    }

    /// A store deeper than the mount-time scan reaches is scanned once the
    /// view meets it, by lookup or by listing: its hard links are hidden from then on.
    @Test func storesMetDeeperHideTheirHardLinks() throws {
        let t = try SourceTree()
        try t.file("projects/a/.ssh/key1", "SECRET one\n")
        try t.file("projects/b/.aws/key2", "SECRET two\n")
        try t.file("projects/c/plain.txt", "plain\n")
        try t.hardLink("projects/c/one.txt", to: "projects/a/.ssh/key1")
        try t.hardLink("projects/c/two.txt", to: "projects/b/.aws/key2")
        let h = try GateHarness(t)
        #expect(h.lookup("projects/a/.ssh") == h.lookup("projects/a/nothing"))
        #expect(try h.list("projects/b") == [])
        let missing = h.lookup("projects/c/nothing")
        #expect(h.lookup("projects/c/one.txt") == missing)
        #expect(h.lookup("projects/c/two.txt") == missing)
        #expect(try h.list("projects/c") == ["plain.txt"])
    }

    /// Linked into a store between lookup and open: the open is refused as
    /// if the name did not exist, and logged.
    @Test func openRefusesAFileThatBecameASecretAfterLookup() throws {
        let t = try SourceTree()
        try t.file(".ssh/id_ed25519", "SECRET ssh\n")
        try t.file("projects/demo/a.txt", "soon a secret\n")
        let h = try GateHarness(t, log: .outside)
        let ino = try h.node("projects/demo/a.txt")
        try t.hardLink(".ssh/a-copy", to: "projects/demo/a.txt")
        #expect(h.open(ino).errno == ENOENT)
        let records = try h.auditRecords()
        #expect(records.contains {
            $0.event == "deny" && $0.op == "open" && $0.rule == "hardlink-secret" && $0.path == "projects/demo/a.txt"
        })
        #expect(records.contains { $0.event == "open" && $0.result == "ENOENT" && $0.path == "projects/demo/a.txt" })
    }

    /// Linked into a store while open: the background rescan revokes the
    /// handle, and no further byte is served.
    @Test func openHandleIsRevokedWhenItsFileBecomesASecret() throws {
        let t = try SourceTree()
        try t.file(".ssh/id_ed25519", "SECRET ssh\n")
        try t.file("projects/demo/a.txt", "soon a secret\n")
        let h = try GateHarness(t, log: .outside)
        let fh = try h.open(try h.node("projects/demo/a.txt")).get()
        #expect(try h.read(fh).get() == Array("soon a secret\n".utf8))
        try t.hardLink(".ssh/a-copy", to: "projects/demo/a.txt")
        let deadline = Date().addingTimeInterval(10)
        while h.read(fh).errno == 0, Date() < deadline { usleep(20_000) }
        #expect(h.read(fh).errno == EACCES)
        h.release(fh)
        #expect(try h.auditRecords().contains {
            $0.event == "deny" && $0.op == "read" && $0.rule == "hardlink-secret" && $0.errno == "EACCES"
        })
    }

    @Test func symlinkToAHardLinkOfASecretIsMissing() throws {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        try t.file(".ssh/id_ed25519", "SECRET ssh\n")
        try t.hardLink("projects/demo/notes.txt", to: ".ssh/id_ed25519")
        try t.symlink("projects/demo/l", to: "notes.txt")
        let h = try GateHarness(t, allow: ["projects/demo"])
        let missing = h.lookup("projects/demo/nothing")
        #expect(h.lookup("projects/demo/l") == missing)
        #expect(h.lookup("projects/demo/notes.txt") == missing)
        #expect(try h.list("projects/demo") == ["README.md"])
    }

    /// The log outside the source, reached from inside it by a hard link
    /// (as a bind mount of the home could): hidden by identity alone.
    @Test func auditLogReachedByAnotherPathIsMissing() throws {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        let h = try GateHarness(t, log: .outside)
        try t.hardLink("projects/demo/log-copy.jsonl", to: try #require(h.logPath))
        #expect(h.lookup("projects/demo/log-copy.jsonl") == h.lookup("projects/demo/nothing"))
        #expect(try h.list("projects/demo") == ["README.md"])
        #expect(try h.auditRecords().contains {
            $0.event == "deny" && $0.rule == "audit-log" && $0.path == "projects/demo/log-copy.jsonl"
        })
    }

    /// The log inside the source: its name (and its lock and rotations) is
    /// hidden, and so is every hard link and symlink to it.
    @Test func auditLogInsideTheSourceIsMissing() throws {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        try t.directory("state")
        let h = try GateHarness(t, log: .inSource("state/access.jsonl"))
        try t.hardLink("projects/demo/log-copy.jsonl", to: "state/access.jsonl")
        try t.symlink("projects/demo/log-link", to: "../../state/access.jsonl")
        let missing = h.lookup("state/nothing")
        for path in ["state/access.jsonl", "projects/demo/log-copy.jsonl", "projects/demo/log-link"] {
            #expect(h.lookup(path) == missing, "lookup \(path)")
        }
        #expect(try h.list("state") == [])
        #expect(try h.list("projects/demo") == ["README.md"])
    }
}
