import Foundation
import Testing
import GateSystem
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter
@testable import gatefs

/// The lines of write grants (issue 12): `write`, `close` with write totals,
/// every change event, and the mount line's `write` key, byte for byte;
/// then back through the reader, the chain, `gatefs log` and the summary.
@Suite struct ChangeEventTests {
    static let time = AuditTime(microseconds: 1_795_424_462_123_456)
    static let setTime = AuditTime(microseconds: 1_795_424_462_000_001)

    /// One line as the writer's encoder makes it, first in a new chain.
    private func line(_ kind: AuditEventKind, path: String) -> [UInt8] {
        var encoder = AuditLineEncoder()
        var buffer: [UInt8] = []
        let process = CallerProcess(name: "cp", container: nil)
        let entry = AuditEntry(time: Self.time, kind: .event(kind), path: Array(path.utf8), caller: Fixture.agent, process: process)
        encoder.append(entry, path: Array(path.utf8), identity: LineIdentity(Fixture.agent, process: process), to: &buffer)
        return buffer
    }

    /// The whole line for `fields` (the event's keys as JSON text), with its
    /// hash computed from the documented recipe.
    private func expected(_ event: String, path: String, fields: String) -> [UInt8] {
        let body = #"{"time":"2026-11-23T09:01:02.123456Z","event":"\#(event)","path":"\#(path)","pid":4242,"uid":1000,"gid":1000,"process":"cp",\#(fields)"seq":1"#
        var hash: [UInt8] = []
        Array(body.utf8).withUnsafeBytes { AuditChain.hash(previous: AuditChain.genesis, body: $0, into: &hash) }
        return Array(body.utf8) + AuditChain.hashKey + hash + Array("\"}\n".utf8)
    }

    static let cases: [(AuditEventKind, event: String, path: String, fields: String)] = [
        (.write(handle: 3, offset: 4096, size: 8192, bytes: 8000), "write", "src/a.c",
         #""handle":3,"offset":4096,"size":8192,"bytes":8000,"#),
        (.close(handle: 3, reads: 1, bytes: 10, written: WriteTotals(writes: 2, bytes: 16_384)), "close", "src/a.c",
         #""handle":3,"reads":1,"bytes":10,"writes":2,"written":16384,"#),
        (.close(handle: 4, reads: 0, bytes: 0, written: WriteTotals(writes: 0, bytes: 0)), "close", "src/a.c",
         #""handle":4,"reads":0,"bytes":0,"writes":0,"written":0,"#),
        // A read-only handle's close line is the same as before write grants.
        (.close(handle: 5, reads: 2, bytes: 99, written: nil), "close", "src/a.c", #""handle":5,"reads":2,"bytes":99,"#),
        (.change(.create(mode: 0o644, handle: 6)), "create", "src/new.c", #""mode":"0644","handle":6,"#),
        (.change(.mkdir(mode: 0o2775)), "mkdir", "src/dir", #""mode":"2775","#),
        (.change(.mknod(mode: 0o010600)), "mknod", "src/fifo", #""mode":"0600","kind":"fifo","#),
        (.change(.mknod(mode: 0o140755)), "mknod", "src/sock", #""mode":"0755","kind":"socket","#),
        (.change(.mknod(mode: 0o100640)), "mknod", "src/plain", #""mode":"0640","kind":"file","#),
        (.change(.unlink), "unlink", "src/old.c", ""),
        (.change(.rmdir), "rmdir", "src/dir", ""),
        (.change(.rename(from: Array("src/a.c".utf8), to: Array("src/b.c".utf8), flags: nil)), "rename", "src/a.c",
         #""from":"src/a.c","to":"src/b.c","#),
        (.change(.rename(from: Array("src/a.c".utf8), to: Array("src/b.c".utf8), flags: "noreplace")), "rename", "src/a.c",
         #""from":"src/a.c","to":"src/b.c","flags":"noreplace","#),
        (.change(.rename(from: Array("src/a.c".utf8), to: Array("lib/a.c".utf8), flags: "exchange")), "rename", "src/a.c",
         #""from":"src/a.c","to":"lib/a.c","flags":"exchange","#),
        (.change(.link(target: Array("src/a.c".utf8))), "link", "src/a2.c", #""target":"src/a.c","#),
        (.change(.symlink(target: Array("../lib/a.c".utf8))), "symlink", "src/l", #""target":"../lib/a.c","#),
        (.change(.setattr(AttributeChange(mode: 0o755))), "setattr", "src/a.c", #""mode":"0755","#),
        (.change(.setattr(AttributeChange(size: 0))), "setattr", "src/a.c", #""size":0,"#),
        (.change(.setattr(AttributeChange(accessTime: .now))), "setattr", "src/a.c", #""atime":"now","#),
        (.change(.setattr(AttributeChange(modificationTime: .at(setTime)))), "setattr", "src/a.c",
         #""mtime":"2026-11-23T09:01:02.000001Z","#),
        (.change(.setattr(AttributeChange(uid: 1000))), "setattr", "src/a.c", #""owner_uid":1000,"#),
        (.change(.setattr(AttributeChange(gid: 100))), "setattr", "src/a.c", #""owner_gid":100,"#),
        (.change(.setattr(AttributeChange(
            mode: 0o600, size: 12, accessTime: .at(setTime), modificationTime: .now, uid: 0, gid: 0))), "setattr", "src/a.c",
         #""mode":"0600","size":12,"atime":"2026-11-23T09:01:02.000001Z","mtime":"now","owner_uid":0,"owner_gid":0,"#),
        (.change(.setxattr(name: Array("user.mime".utf8), bytes: 10)), "setxattr", "src/a.c", #""name":"user.mime","bytes":10,"#),
        (.change(.removexattr(name: Array("user.mime".utf8))), "removexattr", "src/a.c", #""name":"user.mime","#),
        (.change(.fallocate(handle: 3, offset: 0, length: 1 << 20, mode: 0)), "fallocate", "src/a.c",
         #""handle":3,"offset":0,"length":1048576,"mode":"0","#),
        (.change(.fallocate(handle: 3, offset: 4096, length: 8192, mode: 3)), "fallocate", "src/a.c",
         #""handle":3,"offset":4096,"length":8192,"mode":"3","#),
        (.mount(MountInfo(
            source: "/h", mountpoint: "/m", options: ["rw"], policyDigest: "sha256:0", rules: 2, write: ["projects/demo", "a\"b"])),
         "mount", ".", #""source":"/h","mountpoint":"/m","options":["rw"],"policy":"sha256:0","rules":2,"write":["projects/demo","a\"b"],"#),
        // A view without grants: no `write` key, as before.
        (.mount(MountInfo(source: "/h", mountpoint: "/m", options: ["ro"], policyDigest: "sha256:0", rules: 1)),
         "mount", ".", #""source":"/h","mountpoint":"/m","options":["ro"],"policy":"sha256:0","rules":1,"#),
    ]

    @Test func everyNewLineIsByteExact() {
        for c in Self.cases {
            let path = c.path == "." ? "" : c.path
            let got = line(c.0, path: path)
            let want = expected(c.event, path: c.path, fields: c.fields)
            #expect(got == want, "\n\(String(decoding: got, as: UTF8.self))\(String(decoding: want, as: UTF8.self))")
        }
    }

    @Test func everyNewLineDecodesBack() throws {
        func record(_ index: Int) throws -> AuditRecord {
            let c = Self.cases[index]
            return try AuditRecord(line: line(c.0, path: c.path == "." ? "" : c.path).dropLast())
        }
        for index in Self.cases.indices {
            #expect(try record(index).event == Self.cases[index].event)
        }
        let write = try record(0)
        #expect(write.kind == .write && write.handle == 3 && write.offset == 4096 && write.size == 8192 && write.bytes == 8000)
        let close = try record(1)
        #expect(close.writes == 2 && close.written == 16_384 && close.reads == 1)
        #expect(try record(3).writes == nil && record(3).written == nil)
        #expect(try record(4).mode == "0644" && record(4).handle == 6)
        #expect(try record(6).nodeKind == "fifo" && record(6).mode == "0600")
        let rename = try record(13)
        #expect(rename.from == "src/a.c" && rename.to == "lib/a.c" && rename.flags == "exchange" && rename.path == "src/a.c")
        #expect(try record(14).target == "src/a.c" && record(15).target == "../lib/a.c")
        let all = try record(22)
        #expect(all.mode == "0600" && all.size == 12 && all.atime == "2026-11-23T09:01:02.000001Z" && all.mtime == "now")
        #expect(all.ownerUID == 0 && all.ownerGID == 0 && all.uid == 1000)
        #expect(try record(23).name == "user.mime" && record(23).bytes == 10)
        let fallocate = try record(26)
        #expect(fallocate.length == 8192 && fallocate.offset == 4096 && fallocate.mode == "3")
        #expect(try record(27).write == ["projects/demo", "a\"b"] && record(28).write == nil)
        #expect(Self.cases.map(\.event).filter { AuditEventName(rawValue: $0)?.isChange == true }.count == 24)
    }

    /// A session of changes through the real writer: the chain verifies,
    /// names that need escaping round-trip, and the handle of a `create`
    /// keeps its path on the `write` and `close` lines.
    @Test func changesGoThroughTheWriterAndTheChain() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Self.writeSession(path)
        let result = try AuditVerifier(path: path).verify()
        #expect(result.isOK(strict: true), "\(result.report)")
        let records = try Fixture.records(path)
        #expect(records.map(\.event) == [
            "header", "mount", "create", "write", "write", "close", "setattr", "rename", "symlink", "link", "mkdir",
            "unlink", "open", "write", "close", "unmount",
        ])
        #expect(records[3].path == "p/new\\xff.c" && records[5].path == "p/new\\xff.c")
        #expect(records[7].to.flatMap(AuditPath.unescape) == Array("p/b\n.c".utf8))
        #expect(records[1].write == ["p"])
    }

    static func writeSession(_ path: String) throws {
        let log = try AuditLog.open(Fixture.config(path))
        let me = Fixture.agent
        let created: [UInt8] = Array("p/new".utf8) + [0xFF] + Array(".c".utf8)
        var info = Fixture.mountInfo
        info.options = ["rw", "default_permissions"]
        info.write = ["p"]
        log.record(.mount(info), path: [], caller: nil)
        log.record(.change(.create(mode: 0o644, handle: 1)), path: created, caller: me)
        log.record(.write(handle: 1, offset: 0, size: 4096, bytes: 4096), path: [], caller: me)
        log.record(.write(handle: 1, offset: 4096, size: 100, bytes: 100), path: [], caller: me)
        log.record(.close(handle: 1, reads: 0, bytes: 0, written: WriteTotals(writes: 2, bytes: 4196)), path: [], caller: me)
        log.record(.change(.setattr(AttributeChange(mode: 0o600))), path: created, caller: me)
        log.record(.change(.rename(from: Array("p/a.c".utf8), to: Array("p/b\n.c".utf8), flags: nil)), path: Array("p/a.c".utf8), caller: me)
        log.record(.change(.symlink(target: Array("b.c".utf8))), path: Array("p/l".utf8), caller: me)
        log.record(.change(.link(target: Array("p/l".utf8))), path: Array("p/l2".utf8), caller: me)
        log.record(.change(.mkdir(mode: 0o755)), path: Array("p/d".utf8), caller: me)
        log.record(.change(.unlink), path: Array("p/l2".utf8), caller: me)
        // A handle still open at the end: its write lines stand in for totals.
        log.record(.open(mode: .readWrite, handle: 2, errno: 0), path: Array("p/log.txt".utf8), caller: me)
        log.record(.write(handle: 2, offset: 0, size: 50, bytes: 50), path: [], caller: me)
        log.record(.close(handle: 9, reads: 1, bytes: 7, written: nil), path: Array("p/ro.txt".utf8), caller: me)
        log.close(final: .unmount(info))
    }

    @Test func humanLinesForEveryNewEvent() throws {
        let formatter = AuditFormatter(color: false, utc: true)
        let shown: [Int: String] = [
            0: "src/a.c  h3 7.8 KiB at 4096 (asked 8.0 KiB)",
            1: "src/a.c  h3 1 read, 10 B; 2 writes, 16.0 KiB written",
            3: "src/a.c  h5 2 reads, 99 B",
            4: "src/new.c  0644 h6",
            5: "src/dir  2775",
            6: "src/fifo  fifo 0600",
            11: "src/a.c  → src/b.c",
            12: "src/a.c  → src/b.c (noreplace)",
            14: "src/a2.c  hard link to src/a.c",
            15: "src/l  → ../lib/a.c",
            19: "src/a.c  mtime 2026-11-23 09:01:02.000",
            22: "src/a.c  mode 0600, size 12, atime 2026-11-23 09:01:02.000, mtime now, uid 0, gid 0",
            23: "src/a.c  user.mime 10 B",
            24: "src/a.c  user.mime",
            25: "src/a.c  h3 1.0 MiB at 0",
            26: "src/a.c  h3 8.0 KiB at 4096 (mode 3)",
            27: #"/h → /m  2 rules, policy sha256:0 [rw]  write: projects/demo, a"b"#,
            28: "/h → /m  1 rules, policy sha256:0 [ro]",
        ]
        for (index, suffix) in shown {
            let c = Self.cases[index]
            let text = formatter.format(try AuditRecord(line: line(c.0, path: c.path == "." ? "" : c.path).dropLast()))
            #expect(text.hasSuffix(suffix), "\(text)")
            #expect(text.contains(" \(c.event) "), "\(text)")
        }
        let unlink = formatter.format(try AuditRecord(line: line(.change(.unlink), path: "src/old.c").dropLast()))
        #expect(unlink.hasSuffix("cp[4242]" + String(repeating: " ", count: 13) + "src/old.c"), "\(unlink)")
        // A name with a terminal escape is shown escaped in every new field.
        let hostile = Array("x\u{1B}[2J".utf8)
        let rename = try AuditRecord(line: line(.change(.rename(from: Array("a".utf8), to: hostile, flags: nil)), path: "a").dropLast())
        #expect(formatter.format(rename).hasSuffix(#"a  → x\x1b[2J"#))
    }

    @Test func eventFilterTakesTheNewEvents() throws {
        let options = try LogFilterOptions.parse(["--event", "write,rename", "--event", "setattr"])
        #expect(options.eventNames == ["write", "rename", "setattr"])
        #expect(throws: (any Error).self) { try LogFilterOptions.parse(["--event", "write,renamed"]) }
        let filter = options.filter(now: .now())
        let matched = Self.cases.filter { c in
            (try? AuditRecord(line: line(c.0, path: c.path).dropLast())).map(filter.matches) == true
        }
        #expect(matched.map(\.event) == ["write", "rename", "rename", "rename"] + Array(repeating: "setattr", count: 7))
        for name in ["write", "create", "mkdir", "mknod", "unlink", "rmdir", "rename", "link", "symlink", "setattr",
                     "setxattr", "removexattr", "fallocate"] {
            #expect(AuditFilter.knownEvents.contains(name), "\(name)")
        }
    }

    @Test func summaryListsTheFilesChanged() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("access.jsonl")
        try Self.writeSession(path)
        let summary = try AuditSummary.load(path: path)
        let created = "p/new\\xff.c"
        #expect(summary.changes[created] == AuditSummary.ChangeStats(
            writes: 2, bytesWritten: 4196, events: ["create": 1, "setattr": 1]))
        // Still open at the end: counted from its write lines.
        #expect(summary.changes["p/log.txt"] == AuditSummary.ChangeStats(writes: 1, bytesWritten: 50, events: [:]))
        #expect(summary.changes["p/a.c"]?.events == ["rename": 1] && summary.changes["p/b\n.c"]?.events == ["rename": 1])
        #expect(summary.changes["p/l2"]?.events == ["link": 1, "unlink": 1])
        // A read-only handle changed nothing.
        #expect(summary.changes["p/ro.txt"] == nil && summary.paths["p/ro.txt"]?.bytes == 7)
        #expect(summary.eventCounts["write"] == 3 && summary.eventCounts["rename"] == 1)

        let text = summary.render()
        let section = text.components(separatedBy: "Files changed (by bytes written)\n").last ?? ""
        let rows = section.split(separator: "\n").prefix(while: { $0.hasPrefix("  ") }).map(String.init)
        #expect(rows.first == "     4.1 KiB      2 writes  p/new\\xff.c  (create, setattr)", "\(text)")
        #expect(rows.dropFirst().first == "        50 B      1 write   p/log.txt", "\(text)")
        #expect(rows.contains("         0 B      0 writes  p/l2  (unlink, link)"), "\(text)")
        #expect(rows.count == 7, "\(rows)")
        #expect(text.contains("write 3") && text.contains("rename 1"))
        #expect(summary.render(top: 2).contains("Files changed (by bytes written), top 2 of 7"))
        #expect(AuditSummary().render().contains("Files changed (by bytes written)\n  none"))
    }
}
