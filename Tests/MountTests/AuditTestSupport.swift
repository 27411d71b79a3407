import Foundation
import GateAuditReader
import Glibc
import Synchronization
import XCTest

extension AuditRecord {
    /// The record a complete line holds (its text, without the newline), or
    /// nil when it is not one.
    static func parse(_ text: String) -> AuditRecord? {
        try? AuditRecord(line: Array(text.utf8))
    }
}

/// A log file as it is on disk: its complete lines, parsed, and any
/// unterminated tail left by a crash.
struct AuditTestLog: Sendable {
    let path: String
    /// Complete (newline-terminated) lines, without the newline.
    let rawLines: [String]
    let lines: [AuditRecord]
    /// 1-based numbers of complete lines that are not a documented record.
    let unparsable: [Int]
    /// Bytes after the last newline (a torn line), or empty.
    let tail: [UInt8]

    init(_ path: String) {
        self.path = path
        let bytes = (FileManager.default.contents(atPath: path)).map { [UInt8]($0) } ?? []
        var raws: [String] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            raws.append(String(decoding: bytes[start..<i], as: UTF8.self))
            start = i + 1
        }
        rawLines = raws
        tail = Array(bytes[start...])
        var parsed: [AuditRecord] = []
        var bad: [Int] = []
        for (i, raw) in raws.enumerated() {
            if let line = AuditRecord.parse(raw) { parsed.append(line) } else { bad.append(i + 1) }
        }
        lines = parsed
        unparsable = bad
    }

    /// The log once `predicate` holds for its lines (the writer is
    /// asynchronous), or nil at the deadline.
    static func wait(
        _ path: String, timeout: Double = 10, until predicate: ([AuditRecord]) -> Bool
    ) -> AuditTestLog? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let log = AuditTestLog(path)
            if predicate(log.lines) { return log }
            if Date() > deadline { return nil }
            usleep(20_000)
        }
    }

    static func wait(
        _ path: String, timeout: Double = 10, forLine predicate: @escaping (AuditRecord) -> Bool
    ) -> AuditTestLog? {
        wait(path, timeout: timeout) { $0.contains(where: predicate) }
    }

    /// Problems with the file as JSON Lines and as a chain: unparsable lines,
    /// a torn tail, seq not 1, 2, 3 … (starting at `firstSeq`).
    func shapeProblems(firstSeq: UInt64 = 1, allowTail: Bool = false) -> [String] {
        var problems: [String] = []
        if !unparsable.isEmpty {
            problems.append("lines that are not audit records: \(unparsable.prefix(5).map { "\($0): \(rawLines[$0 - 1].prefix(200))" })")
        }
        if !allowTail && !tail.isEmpty {
            problems.append("unterminated last line (\(tail.count) bytes): \(String(decoding: tail.prefix(200), as: UTF8.self))")
        }
        for (i, line) in lines.enumerated() where line.seq != firstSeq + UInt64(i) {
            problems.append("line \(i + 1) has seq \(line.seq), expected \(firstSeq + UInt64(i))")
            break
        }
        return problems
    }
}

/// Per-handle bookkeeping over a session's lines: the one `open`, the
/// `read`s and the one `close` of every handle, and what does not add up.
struct AuditHandleLedger {
    struct Handle {
        var opens: [AuditRecord] = []
        var reads: [AuditRecord] = []
        var closes: [AuditRecord] = []
        var readBytes: UInt64 { reads.reduce(0) { $0 + ($1.bytes ?? 0) } }
        var path: String { opens.first?.path ?? closes.first?.path ?? reads.first?.path ?? "?" }
    }

    private(set) var handles: [UInt64: Handle] = [:]

    init(_ lines: [AuditRecord]) {
        for line in lines {
            switch line.event {
            case "open" where line.result == "ok": handles[line.handle ?? 0, default: Handle()].opens.append(line)
            case "read": handles[line.handle ?? 0, default: Handle()].reads.append(line)
            case "close": handles[line.handle ?? 0, default: Handle()].closes.append(line)
            default: break
            }
        }
    }

    /// Bytes read per path: the sum of the `close` lines' `bytes`.
    var bytesByPath: [String: UInt64] {
        handles.values.reduce(into: [:]) { $0[$1.path, default: 0] += $1.closes.reduce(0) { $0 + ($1.bytes ?? 0) } }
    }

    var opensByPath: [String: Int] {
        handles.values.reduce(into: [:]) { $0[$1.path, default: 0] += $1.opens.count }
    }

    /// Exactly one open and one close per handle, reads after the open and
    /// before the close, and the close's totals equal the reads'
    /// (`readLines: false` for `reads = "summary"`, where there are none).
    func problems(readLines: Bool = true) -> [String] {
        var out: [String] = []
        for (fh, h) in handles.sorted(by: { $0.key < $1.key }) {
            guard h.opens.count == 1, h.closes.count == 1 else {
                out.append("handle \(fh) (\(h.path)): \(h.opens.count) open and \(h.closes.count) close lines, expected one each")
                continue
            }
            let (open, close) = (h.opens[0], h.closes[0])
            if open.seq > close.seq { out.append("handle \(fh): close (seq \(close.seq)) before open (seq \(open.seq))") }
            if let r = h.reads.first(where: { $0.seq < open.seq || $0.seq > close.seq }) {
                out.append("handle \(fh): read seq \(r.seq) outside open \(open.seq) … close \(close.seq)")
            }
            if let r = h.reads.first(where: { $0.path != open.path }) {
                out.append("handle \(fh): read on \(r.path), but the handle was opened on \(open.path)")
            }
            if close.path != open.path { out.append("handle \(fh): close on \(close.path), opened on \(open.path)") }
            if readLines {
                if close.reads != UInt64(h.reads.count) || close.bytes != h.readBytes {
                    out.append("handle \(fh) (\(open.path)): close says reads=\(close.reads ?? 0) bytes=\(close.bytes ?? 0), the read lines are \(h.reads.count) with \(h.readBytes) bytes")
                }
            } else if !h.reads.isEmpty {
                out.append("handle \(fh): \(h.reads.count) read lines in summary mode")
            }
        }
        return out
    }
}

/// A child whose stdout is a pipe this test reads (as `gatefs log -f | …`
/// would), with stderr in a file. `stop` kills and reaps it.
final class PipedCommand: Sendable {
    let pid: pid_t
    let argv: [String]
    private let readEnd: Int32
    private let stderrPath: String
    private let state = Mutex<(output: [UInt8], ended: Termination?)>(([], nil))

    init(_ argv: [String], environment: [String: String], stderrPath: String) throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw MountFixture.Failure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        // Only the child's fd 1 may hold the write end (dup2 clears the flag there),
        // or the pipe would never see EOF.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        defer { close(fds[1]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else {
            close(fds[0])
            throw MountFixture.Failure(description: "posix_spawn \(argv[0]): \(String(cString: strerror(rc)))")
        }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        pid = child
        self.argv = argv
        readEnd = fds[0]
        self.stderrPath = stderrPath
    }

    deinit { close(readEnd) }

    /// Everything read from the pipe so far (reading what is waiting first).
    var output: [UInt8] {
        state.withLock { s in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(readEnd, &buffer, buffer.count)
                if n > 0 { s.output.append(contentsOf: buffer[..<n]); continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
            return s.output
        }
    }

    var outputLines: [String] {
        let bytes = output
        let end = bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        return bytes[..<end].split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Polls the pipe until `predicate` holds for its complete lines.
    func waitForLines(timeout: Double, _ predicate: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if predicate(outputLines) { return true }
            if Date() > deadline || !ProcFS.isRunning(pid) { return predicate(outputLines) }
            usleep(20_000)
        }
    }

    /// Whether the child is still running (not reaped, not a zombie).
    var isRunning: Bool { state.withLock { $0.ended == nil } && ProcFS.isRunning(pid) }

    /// Sends `signal` unless the child was already reaped, then reaps it.
    @discardableResult
    func stop(_ signal: Int32 = SIGKILL) -> Termination {
        state.withLock { s in
            if let ended = s.ended { return ended }
            if let t = ProcessRunner.poll(pid) {
                s.ended = t
                return t
            }
            kill(pid, signal)
            let t = ProcessRunner.wait(pid, timeout: 10)
            s.ended = t
            return t
        }
    }
}

/// Problems collected from several threads.
final class SharedProblems: Sendable {
    private let items = Mutex<[String]>([])

    func append(_ problem: String) {
        items.withLock { $0.append(problem) }
    }

    var all: [String] { items.withLock { $0 } }
}

/// Things the audit mount tests do over and over.
extension MountFixture {
    /// Runs `argv` (an absolute path first) as a child of this test and returns
    /// its pid and how it ended: the pid is what the log's `pid` must say.
    func runChild(_ argv: [String], timeout: Double = 60) throws -> (pid: pid_t, end: Termination) {
        let pid = try spawn(argv)
        return (pid, wait(pid, timeout: timeout))
    }

    /// A config file outside the source with exactly `text`.
    func writeConfig(_ text: String, name: String = "gatefs.toml") throws -> String {
        let path = directory + "/" + name
        try TreeBuilder(root: directory).file(name, text)
        return path
    }

    /// `gatefs mount --foreground …` as a child of this test (so its exit
    /// status is ours to see), once the view answers.
    func mountForeground(_ arguments: [String], log: String? = nil) throws -> pid_t {
        register(mountpoint: mountpoint)
        let pid = try spawn([binary, "mount", "--foreground", "--source", source, "--log", log ?? self.log]
                            + arguments + [mountpoint])
        let deadline = Date().addingTimeInterval(30)
        while true {
            if KernelMounts.mount(at: mountpoint)?.fsType == "fuse.gatefs", (try? statusEntry())?.state == "live" {
                return pid
            }
            if let end = poll(pid) {
                throw Failure(description: "gatefs mount --foreground ended (\(end)) before the view was live")
            }
            guard Date() < deadline else { throw Failure(description: "the foreground view never became live") }
            usleep(50_000)
        }
    }

    /// Creates `relative` in the source with `count` bytes of a fixed pattern.
    func sizedFile(_ relative: String, _ count: Int, seed: UInt64 = 1) throws {
        var random = PseudoRandomBytes(seed: seed)
        try tree.file(relative, bytes: random.bytes(count))
    }
}

extension XCTestCase {
    /// Fails with every problem, one per line, or passes when there are none.
    func assertNoProblems(
        _ problems: [String], _ label: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        if problems.isEmpty { return }
        XCTFail("\(label):\n  " + problems.prefix(20).joined(separator: "\n  ")
                + (problems.count > 20 ? "\n  … \(problems.count - 20) more" : ""), file: file, line: line)
    }
}
