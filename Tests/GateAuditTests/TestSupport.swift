import Foundation
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter
import GateVocabulary

/// A fresh directory under /tmp, removed when the value dies.
final class TemporaryDirectory {
    let path: String

    init() {
        let base = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        var template = Array((base + "gateaudit-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }
}

enum Fixture {
    static let mountInfo = MountInfo(
        source: "/home/alice", mountpoint: "/mnt/agent", options: ["ro", "default_permissions"],
        policyDigest: "sha256:0123456789abcdef", rules: 12)

    static let agent = Caller(pid: 4242, uid: 1000, gid: 1000)

    static func config(
        _ path: String, reads: ReadLogging = .all, rotateBytes: Int = 64 << 20, keep: Int = 5, queue: Int = 1024,
        repeatWindow: Int64 = AuditConfig.defaultRepeatWindowMicroseconds, repeatCapacity: Int = AuditConfig.defaultRepeatCapacity
    ) -> AuditConfig {
        AuditConfig(path: path, reads: reads, rotateBytes: rotateBytes, keep: keep, queueCapacity: queue,
                    repeatWindowMicroseconds: repeatWindow, repeatCapacity: repeatCapacity)
    }

    static let sshDeny = AuditEventKind.deny(op: "lookup", rule: "secret:ssh", errno: ENOENT)
    static let ssh = Array(".ssh".utf8)

    /// Re-hashes `lines[from...]` so the chain holds again after an edit,
    /// as anyone who can write the file can: the chain has no key.
    static func rechain(_ lines: inout [[UInt8]], from start: Int) {
        var previous = start == 0 ? AuditChain.genesis : AuditChain.trailer(of: lines[start - 1])!.hash
        for index in start..<lines.count {
            let trailer = AuditChain.trailer(of: lines[index])!
            let body = Array(lines[index][0..<trailer.bodyCount])
            var hash: [UInt8] = []
            body.withUnsafeBytes { AuditChain.hash(previous: previous, body: $0, into: &hash) }
            lines[index] = body + AuditChain.hashKey + hash + Array("\"}".utf8)
            previous = hash
        }
    }

    static func rewrite(_ path: String, _ lines: [[UInt8]]) {
        write(lines.flatMap { $0 + [0x0A] }, to: path)
    }

    /// Polls the log (the writer is asynchronous) until `predicate` holds
    /// for its records, or the deadline passes; returns the last read.
    static func waitForRecords(_ path: String, seconds: Double = 10, _ predicate: ([AuditRecord]) -> Bool) -> [AuditRecord] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let records = (try? records(path)) ?? []
            if predicate(records) || Date() > deadline { return records }
            usleep(10_000)
        }
    }

    /// Raw lines of one file (no newline), splitting on "\n"; a torn tail is the last element.
    static func rawLines(_ path: String) -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var lines = Array(data).split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static func records(_ path: String) throws -> [AuditRecord] {
        try AuditReader(path: path).readAll().map { try $0.parse() }
    }

    static func write(_ bytes: [UInt8], to path: String) {
        precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    }

    static func append(_ bytes: [UInt8], to path: String) {
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data(bytes))
        handle.closeFile()
    }

    /// Writes a log with `count` open events and closes it with unmount.
    static func writeLog(_ path: String, opens count: Int, rotateBytes: Int = 64 << 20, keep: Int = 5) throws {
        let log = try AuditLog.open(config(path, rotateBytes: rotateBytes, keep: keep))
        log.record(.mount(mountInfo), path: [], caller: nil)
        for index in 0..<count {
            log.record(.open(mode: .read, handle: UInt64(index), errno: 0), path: Array("dir/file\(index).txt".utf8), caller: agent)
        }
        log.close(final: .unmount(mountInfo))
    }
}
