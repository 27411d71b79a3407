import Foundation
@testable import GateAudit

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

    static func config(_ path: String, reads: ReadLogging = .all, rotateBytes: Int = 64 << 20, keep: Int = 5, queue: Int = 1024) -> AuditConfig {
        AuditConfig(path: path, reads: reads, rotateBytes: rotateBytes, keep: keep, queueCapacity: queue)
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
