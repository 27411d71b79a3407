import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

@Suite struct TimeAndFilterTests {
    @Test func rfc3339RoundTrips() {
        let samples: [Int64] = [0, 1_795_424_462_123_456, -1, 951_782_400_000_000 /* 2000-02-29 */, 253_402_300_799_999_999]
        for micros in samples {
            let time = AuditTime(microseconds: micros)
            #expect(AuditTime(rfc3339: time.rfc3339) == time, "\(time.rfc3339)")
        }
        #expect(AuditTime(microseconds: 1_795_424_462_123_456).rfc3339 == "2026-11-23T09:01:02.123456Z")
        #expect(AuditTime(microseconds: -1).rfc3339 == "1969-12-31T23:59:59.999999Z")
        #expect(AuditTime(microseconds: 951_782_400_000_000).rfc3339 == "2000-02-29T00:00:00.000000Z")
    }

    @Test func rfc3339AcceptsOffsetsAndShortForms() {
        let utc = AuditTime(rfc3339: "2026-11-23T09:01:02Z")
        #expect(utc == AuditTime(microseconds: 1_795_424_462_000_000))
        #expect(AuditTime(rfc3339: "2026-11-23T10:01:02+01:00") == utc)
        #expect(AuditTime(rfc3339: "2026-11-23T04:31:02-04:30") == utc)
        #expect(AuditTime(rfc3339: "2026-11-23 09:01:02.5z")?.microseconds == 1_795_424_462_500_000)
        #expect(AuditTime(rfc3339: "2026-11-23")?.microseconds == 1_795_392_000_000_000)
        for bad in ["", "2026-11-23T09:01", "2026-13-01T00:00:00Z", "2026-11-23T09:01:02", "2026-11-23T09:01:02.Z", "yesterday"] {
            #expect(AuditTime(rfc3339: bad) == nil, "\(bad)")
        }
    }

    @Test func sinceAcceptsRelativeSpans() {
        let now = AuditTime(microseconds: 1_795_424_462_000_000)
        func ago(_ seconds: Int64) -> AuditTime { AuditTime(microseconds: now.microseconds - seconds * 1_000_000) }
        #expect(AuditTime.parse(since: "10m", now: now) == ago(600))
        #expect(AuditTime.parse(since: "2h", now: now) == ago(7200))
        #expect(AuditTime.parse(since: "90s", now: now) == ago(90))
        #expect(AuditTime.parse(since: "1d", now: now) == ago(86_400))
        #expect(AuditTime.parse(since: "1w", now: now) == ago(604_800))
        #expect(AuditTime.parse(since: "1h30m", now: now) == ago(5400))
        #expect(AuditTime.parse(since: "2026-11-23T09:00:00Z", now: now) == ago(62))
        for bad in ["", "10", "m", "10x", "-5m", "10m5", "1.5h", "99999999999999999999h"] {
            #expect(AuditTime.parse(since: bad, now: now) == nil, "\(bad)")
        }
    }

    private func record(_ json: String) throws -> AuditRecord {
        let hash = String(repeating: "0", count: 64)
        return try AuditRecord(line: Array("{\(json),\"seq\":1,\"hash\":\"\(hash)\"}".utf8))
    }

    @Test func filtersCombine() throws {
        let deny = try record(#""time":"2026-11-23T09:01:02.000000Z","event":"deny","path":".ssh/id_ed25519","pid":10,"uid":1,"gid":1,"process":"cat","op":"lookup","rule":"secret:ssh","errno":"ENOENT""#)
        let open = try record(#""time":"2026-11-23T09:05:00.000000Z","event":"open","path":"src/.env","pid":11,"uid":1,"gid":1,"process":"python3","flags":"r","handle":1,"result":"ok""#)
        let refused = try record(#""time":"2026-11-23T09:06:00.000000Z","event":"open","path":"x","pid":11,"uid":1,"gid":1,"flags":"r","handle":0,"result":"EACCES""#)

        #expect(AuditFilter().matches(deny) && AuditFilter().isEmpty)
        #expect(AuditFilter(deniedOnly: true).matches(deny))
        #expect(!AuditFilter(deniedOnly: true).matches(open))
        #expect(AuditFilter(deniedOnly: true).matches(refused))
        #expect(AuditFilter(events: ["open"]).matches(open) && !AuditFilter(events: ["open"]).matches(deny))
        #expect(AuditFilter(pathGlob: "*.env").matches(open))
        #expect(AuditFilter(pathGlob: ".ssh/*").matches(deny) && !AuditFilter(pathGlob: ".ssh/*").matches(open))
        #expect(AuditFilter(process: "python*").matches(open) && !AuditFilter(process: "python*").matches(deny))
        #expect(!AuditFilter(process: "*").matches(refused))  // no process known
        #expect(AuditFilter(pid: 10).matches(deny) && !AuditFilter(pid: 10).matches(open))
        let since = AuditTime(rfc3339: "2026-11-23T09:03:00Z")
        #expect(!AuditFilter(since: since).matches(deny) && AuditFilter(since: since).matches(open))
        #expect(!AuditFilter(deniedOnly: true, pid: 11).matches(deny))
    }

    @Test func readerRejectsBrokenRecords() {
        #expect(throws: AuditRecord.ParseError.self) { try AuditRecord(line: Array("not json".utf8)) }
        #expect(throws: AuditRecord.ParseError.self) { try AuditRecord(line: Array(#"{"event":"open"}"#.utf8)) }
        #expect(throws: AuditRecord.ParseError.self) { try AuditRecord(line: Array(#"{"a":"\ud800"}"#.utf8)) }
    }
}
