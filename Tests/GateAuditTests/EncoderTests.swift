import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

@Suite struct EncoderTests {
    private func encode(_ kind: AuditEventKind, path: [UInt8], process: CallerProcess = CallerProcess(name: "cat", container: nil)) -> [UInt8] {
        var encoder = AuditLineEncoder()
        var buffer: [UInt8] = []
        let entry = AuditEntry(time: AuditTime(microseconds: 1_795_424_462_123_456), kind: .event(kind), path: path, caller: Fixture.agent, process: process)
        encoder.append(entry, path: path, identity: LineIdentity(Fixture.agent, process: process), to: &buffer)
        return buffer
    }

    @Test func keyOrderAndShapeAreFixed() throws {
        let line = encode(.open(mode: .read, handle: 7, errno: 0), path: Array("notes/todo.md".utf8))
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix(#"{"time":"2026-11-23T09:01:02.123456Z","event":"open","path":"notes/todo.md","pid":4242,"uid":1000,"gid":1000,"process":"cat","flags":"r","handle":7,"result":"ok","seq":1,"hash":""#))
        #expect(text.hasSuffix("\"}\n"))
        #expect(line.filter { $0 == 0x0A }.count == 1)
    }

    @Test func quotesBackslashesAndControlCharactersAreEscaped() throws {
        let name: [UInt8] = Array("a\"b\\c\nd\te\u{1}f\u{7F}g\u{2028}h".utf8)
        let line = encode(.readdir(entries: 1), path: name)
        let text = String(decoding: line.dropLast(), as: UTF8.self)
        #expect(text.contains(#""path":"a\"b\\\\c\nd\te\u0001f\u007fg\u2028h""#))
        // One physical line whatever the name holds.
        #expect(!line.dropLast().contains(0x0A))
        let record = try AuditRecord(line: line.dropLast())
        #expect(record.pathBytes == name)
    }

    @Test func invalidUTF8RoundTripsThroughTheLog() throws {
        let name: [UInt8] = [0x66, 0xFF, 0x5C, 0x78, 0x34, 0x31, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98, 0x80, 0xC0, 0xAF]
        let line = encode(.deny(op: "lookup", rule: "secret:ssh", errno: 2), path: name)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains(#""path":"f\\xff\\\\x41\\xc3(\\xed\\xa0\\x80😀\\xc0\\xaf""#))
        let record = try AuditRecord(line: line.dropLast())
        #expect(record.path == #"f\xff\\x41\xc3(\xed\xa0\x80😀\xc0\xaf"#)
        #expect(record.pathBytes == name)
        #expect(record.errno == "ENOENT")
    }

    @Test func everyEventEncodesItsFields() throws {
        let cases: [(AuditEventKind, String)] = [
            (.mount(Fixture.mountInfo), #""source":"/home/alice","mountpoint":"/mnt/agent","options":["ro","default_permissions"],"policy":"sha256:0123456789abcdef","rules":12,"seq""#),
            (.unmount(Fixture.mountInfo), #""event":"unmount""#),
            (.open(mode: .readWrite, handle: 9, errno: 13), #""flags":"rw","handle":9,"result":"EACCES","seq""#),
            (.read(handle: 9, offset: 4096, size: 131_072, bytes: 100), #""handle":9,"offset":4096,"size":131072,"bytes":100,"seq""#),
            (.close(handle: 9, reads: 3, bytes: 12_000, written: nil), #""handle":9,"reads":3,"bytes":12000,"seq""#),
            (.deny(op: "getxattr", rule: "deny:**/.env", errno: 61), #""op":"getxattr","rule":"deny:**/.env","errno":"ENODATA","seq""#),
            (.readdir(entries: 0), #""entries":0,"seq""#),
        ]
        for (kind, fragment) in cases {
            let line = encode(kind, path: [])
            let text = String(decoding: line, as: UTF8.self)
            #expect(text.contains(fragment), "\(text)")
            #expect(text.contains(#""path":".""#))
            _ = try AuditRecord(line: line.dropLast())
        }
    }

    @Test func containerAndMissingProcessAreOptional() {
        let id = String(repeating: "ab", count: 32)
        let with = String(decoding: encode(.readdir(entries: 2), path: [], process: CallerProcess(name: "sh", container: id)), as: UTF8.self)
        #expect(with.contains(#""process":"sh","container":"\#(id)","entries""#))
        let without = String(decoding: encode(.readdir(entries: 2), path: [], process: .unknown), as: UTF8.self)
        #expect(without.contains(#""gid":1000,"entries":2"#))
    }

    @Test func pathEscapeInverseIsExact() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = AuditPath.escape(bytes)
            if bytes.isEmpty {
                #expect(text == ".")
            } else {
                #expect(AuditPath.unescape(text) == bytes)
            }
        }
        #expect(AuditPath.unescape(#"bad\q"#) == nil)
        #expect(AuditPath.unescape(#"trailing\"#) == nil)
    }

    @Test func errnoNames() {
        #expect(errnoName(2) == "ENOENT")
        #expect(errnoName(13) == "EACCES")
        #expect(errnoName(40) == "ELOOP")
        #expect(errnoName(9999) == "E9999")
    }
}
