import GateAuditReader
import Glibc
import Testing
@testable import Gate

/// What the gate writes to a real audit log (a file beside the source),
/// with no mount: one line per open, read and close, a deny line per hidden
/// name naming the rule, and none for a name that does not exist.
@Suite struct AuditTests {
    @Test func openReadAndCloseAreLogged() throws {
        let t = try SourceTree()
        try t.file("projects/demo/README.md", "readme\n")
        let h = try GateHarness(t, log: .outside)
        let fh = try h.open(try h.node("projects/demo/README.md")).get()
        #expect(try h.read(fh, offset: 0, size: 4096).get().count == 7)
        h.release(fh)
        #expect(h.open(try h.node("projects/demo/README.md"), flags: O_WRONLY).errno == EROFS)
        let lines = try h.auditRecords().filter { $0.path == "projects/demo/README.md" }
        #expect(lines.map(\.event) == ["open", "read", "close", "open"])
        #expect(lines[0].flags == "r" && lines[0].result == "ok" && lines[0].handle == fh.raw)
        #expect(lines[1].handle == fh.raw && lines[1].offset == 0 && lines[1].size == 4096 && lines[1].bytes == 7)
        #expect(lines[2].handle == fh.raw && lines[2].reads == 1 && lines[2].bytes == 7)
        #expect(lines[3].flags == "w" && lines[3].result == "EROFS")
        #expect(lines.allSatisfy { $0.pid == getpid() && $0.uid == getuid() })
    }

    @Test func hiddenLookupsAreLoggedWithTheirRuleAndMissingOnesAreNot() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, allow: ["projects/demo"], deny: SourceTree.sampleDeny, log: .outside)
        let names = SourceTree.sampleHiddenRules.filter { $0.0.hasPrefix("projects/demo/") }
            + [("notes.txt", "not-allowed"), ("projects/other", "not-allowed")]
        for (path, _) in names { _ = h.lookup(path) }
        _ = h.lookup("projects/demo/no-such-file")
        let denies = try h.auditRecords().filter { $0.event == "deny" }
        for (path, rule) in names {
            let line = denies.first { $0.path == path }
            #expect(line?.rule == rule, "deny line of \(path)")
            #expect(line?.op == "lookup" && line?.errno == "ENOENT", "deny line of \(path)")
        }
        #expect(!denies.contains { $0.path.hasSuffix("no-such-file") })
        #expect(denies.count == names.count)
    }

    @Test func listingsAreLoggedWithTheVisibleCount() throws {
        let t = try SourceTree()
        try t.sampleHome()
        let h = try GateHarness(t, deny: SourceTree.sampleDeny, log: .outside)
        #expect(try h.list("projects/demo").count == 3)
        let lines = try h.auditRecords().filter { $0.path == "projects/demo" }
        #expect(lines.map(\.event) == ["opendir", "readdir"])
        #expect(lines.first?.result == "ok")
        #expect(lines.last?.entries == 3)
    }
}
