import GateAuditFormat
import GateSystem
import SystemPackage

/// The writer thread's side of the log: drains the queue, resolves callers,
/// encodes lines into one reused buffer and writes each batch with one
/// `write(2)` (two when a rotation falls inside the batch). Repeated
/// identical denials are coalesced here (`AuditRepeats`), never on the FUSE
/// threads, which only queue.
///
/// Everything here is touched by the writer thread only; `queue` is the one
/// shared object.
final class AuditWriter {
    private let queue: ConditionMutex<AuditQueueState>
    private let processes: CallerProcessCache
    private let file: AuditLogFile
    private var encoder: AuditLineEncoder
    private var buffer: [UInt8] = []
    /// Live handles: who opened them and what path, for `read`/`close` lines
    /// whose caller is the kernel (pid 0) or whose path the gate left empty.
    private var handles: [UInt64: HandleOwner] = [:]
    private let daemon: LineIdentity
    private var lastSync: Int64 = 0
    private var unsynced = false
    private var reportedErrno: Int32 = 0
    private var reportedSyncErrno: Int32 = 0
    private var repeats: AuditRepeats
    /// The current file has no line yet: the next line follows its header.
    private var needsHeader: Bool
    /// The latest `time` written, so the writer's own count lines never go back in time.
    private var clock = AuditTime(microseconds: .min)

    private struct HandleOwner {
        var path: [UInt8]
        var identity: LineIdentity
    }

    /// Flush-to-disk cadence while idle; bounds loss on power failure (kill -9
    /// loses nothing already written, the page cache survives it).
    static let syncIntervalMicroseconds: Int64 = 1_000_000
    /// How long the writer lets events gather after a batch before it takes
    /// the next. Bounds the delay before a line reaches the file (and
    /// `gatefs log --follow`); the queue filling up ends it early.
    static let lingerMicroseconds: Int64 = 2_000

    init(queue: ConditionMutex<AuditQueueState>, processes: CallerProcessCache, opened: AuditLogFile.Opened, repeats: AuditRepeats) {
        self.queue = queue
        self.processes = processes
        self.file = opened.file
        self.encoder = AuditLineEncoder(previousHash: opened.lastHash, lastSeq: opened.lastSeq)
        self.repeats = repeats
        needsHeader = opened.file.size == 0
        buffer.reserveCapacity(1 << 20)
        let (pid, uid, gid) = Sys.processIdentity()
        let me = Caller(pid: pid, uid: uid, gid: gid)
        daemon = LineIdentity(me, process: CallerProcess.read(pid: me.pid))
    }

    /// What one wait on the queue produced.
    private struct Taken {
        var backpressure: AuditEntry?
        var finishing = false
        var final: AuditEntry?
    }

    func run() {
        var batch: [AuditEntry] = []
        batch.reserveCapacity(queue.withLock { $0.capacity } + 1)
        // After writing a batch the writer lingers briefly instead of waiting
        // to be signalled, so a busy filesystem costs one wake-up and one
        // write(2) per `linger`, not per event.
        var lingering = false
        while true {
            if !lingering {
                queue.withLock { state in state.writerIdle = !state.writerReady }
            }
            let taken = wait(into: &batch, lingering: lingering)
            lingering = !batch.isEmpty
            if !batch.isEmpty { queue.broadcast(AuditQueueState.notFull) }
            for entry in batch { take(entry) }
            batch.removeAll(keepingCapacity: true)
            if let backpressure = taken.backpressure { append(backpressure) }
            if taken.finishing {
                // Every open count, then the final line, as the last lines.
                let now = AuditTime.now()
                appendRepeats { $0.closeAll(at: now, $1) }
                if var final = taken.final {
                    final.time = now
                    append(final)
                }
                flush(giveUp: true)
                reportSync(file.sync())
                file.close()
                return
            }
            if !lingering {
                // Idle: write the counts of windows whose time is up.
                let now = AuditTime.now()
                appendRepeats { $0.closeExpired(at: now, $1) }
            }
            flush(giveUp: false)
            syncIfDue()
        }
    }

    /// Sleeps until there is work (or a timer is due), then swaps the
    /// pending events into `batch`.
    private func wait(into batch: inout [AuditEntry], lingering: Bool) -> Taken {
        var taken = Taken()
        queue.withLock(
            waitingOn: AuditQueueState.notEmpty,
            until: { lingering ? $0.writerUrgent : $0.writerReady },
            timeoutMicroseconds: lingering ? Self.lingerMicroseconds : idleTimeout()
        ) { state in
            state.writerIdle = false
            guard state.writerReady else { return }  // timed out: only sync or close windows
            swap(&state.pending, &batch)
            if state.blockedCount > 0 {
                taken.backpressure = AuditEntry(
                    time: .now(),
                    kind: .backpressure(waitedMicroseconds: state.blockedMicroseconds, blocked: state.blockedCount,
                                        maxMicroseconds: state.blockedMaxMicroseconds),
                    path: [], caller: nil, process: nil)
                state.blockedCount = 0
                state.blockedMicroseconds = 0
                state.blockedMaxMicroseconds = 0
            }
            if batch.isEmpty, case .closing(let last) = state.phase, state.blockedProducers == 0 {
                taken.final = last
                taken.finishing = true
                state.phase = .closed
            }
        }
        return taken
    }

    /// How long an idle writer may sleep: until the next sync is due or the
    /// oldest repeat window closes, or forever when neither is pending.
    private func idleTimeout() -> Int64? {
        var timeout: Int64? = unsynced ? Self.syncIntervalMicroseconds : nil
        if let deadline = repeats.nextDeadline {
            let untilDeadline = max(1000, deadline.microseconds - AuditTime.now().microseconds + 1000)
            timeout = min(timeout ?? .max, untilDeadline)
        }
        return timeout
    }

    /// One queued entry: closes the repeat windows that ended before it,
    /// then writes it unless it is a repeat being counted.
    private func take(_ entry: AuditEntry) {
        if let deadline = repeats.nextDeadline, deadline <= entry.time {
            appendRepeats { $0.closeExpired(at: entry.time, $1) }
        }
        if case .event(.deny(let op, let rule, let errno)) = entry.kind {
            var write = true
            appendRepeats { repeats, emit in write = repeats.admit(entry, op: op, rule: rule, errno: errno, emit: emit) }
            guard write else { return }
        }
        append(entry)
    }

    /// Runs `body` on the repeat table and writes the count lines it emits,
    /// after it returns (writing may rotate, which closes windows itself).
    private func appendRepeats(_ body: (inout AuditRepeats, (AuditEntry) -> Void) -> Void) {
        var emitted: [AuditEntry] = []
        body(&repeats) { emitted.append($0) }
        for var line in emitted {
            if line.time < clock { line.time = clock }
            append(line)
        }
    }

    /// Encodes one line, preceded by the file's header if it is the file's first.
    private func append(_ entry: AuditEntry) {
        if needsHeader { appendHeader(time: entry.time) }
        let (path, identity) = resolve(entry)
        let lineStart = buffer.count
        encoder.append(entry, path: path, identity: identity, to: &buffer)
        if entry.time > clock { clock = entry.time }
        guard file.wouldOverflow(adding: buffer.count - lineStart, pending: lineStart) else { return }
        // The line starts the next file: take it back, write what precedes
        // it, rotate (header, deleted files, open counts), then the line.
        buffer.removeSubrange(lineStart...)
        encoder.rollback()
        if lineStart > 0 {
            write(upTo: lineStart, giveUp: false)
            buffer.removeSubrange(0..<lineStart)
        }
        rotate(time: entry.time)
        encoder.append(entry, path: path, identity: identity, to: &buffer)
    }

    /// Rotates, then starts the new file with its header, one `rotate` line
    /// per deleted file and the counts of every open repeat window, so no
    /// count is carried across a file boundary unwritten.
    private func rotate(time: AuditTime) {
        reportSync(file.sync())
        let (deleted, error) = file.rotate()
        if let error { report(error.errno == 0 ? Errno.ioError.rawValue : error.errno, "rotate") }
        appendHeader(time: time)
        for gone in deleted {
            let kind = AuditEntry.Kind.rotated(file: gone.path, lastSeq: gone.trailer?.seq, lastHash: gone.trailer?.hash)
            encoder.append(AuditEntry(time: time, kind: kind, path: []), path: [], identity: daemon, to: &buffer)
        }
        var counted: [AuditEntry] = []
        repeats.closeAll(at: time) { counted.append($0) }
        for entry in counted {
            let (path, identity) = resolve(entry)
            encoder.append(entry, path: path, identity: identity, to: &buffer)
        }
    }

    private func appendHeader(time: AuditTime) {
        needsHeader = false
        let kind = AuditEntry.Kind.header(start: encoder.nextSeq == 1, previousHash: encoder.previousHash)
        encoder.append(AuditEntry(time: time, kind: kind, path: []), path: [], identity: daemon, to: &buffer)
    }

    private func resolve(_ entry: AuditEntry) -> ([UInt8], LineIdentity) {
        switch entry.kind {
        case .event(.open(_, let handle, let errno)):
            let identity = identity(entry.caller, entry.process)
            if errno == 0 { handles[handle] = HandleOwner(path: entry.path, identity: identity) }
            return (entry.path, identity)
        case .event(.change(.create(_, let handle))):
            let identity = identity(entry.caller, entry.process)
            handles[handle] = HandleOwner(path: entry.path, identity: identity)
            return (entry.path, identity)
        case .event(.read(let handle, _, _, _)), .event(.write(let handle, _, _, _)),
             .event(.close(let handle, _, _, _)):
            let owner = handles[handle]
            if case .event(.close) = entry.kind { handles[handle] = nil }
            let path = entry.path.isEmpty ? owner?.path ?? [] : entry.path
            guard let caller = entry.caller, caller.pid > 0 else {
                return (path, owner?.identity ?? daemon)
            }
            if let owner, owner.identity.pid == caller.pid {
                return (path, LineIdentity(caller, process: owner.identity.process))
            }
            return (path, LineIdentity(caller, process: entry.process ?? processes.lookup(caller.pid)))
        case .event(.mount), .event(.unmount):
            // A new mount starts a new handle space.
            handles.removeAll()
            return (entry.path, entry.caller.map { identity($0, entry.process) } ?? daemon)
        case .event(.deny), .event(.readdir), .event(.opendir), .event(.xattr), .event(.change), .repeated:
            return (entry.path, identity(entry.caller, entry.process))
        case .backpressure, .recover, .header, .rotated:
            return (entry.path, daemon)
        }
    }

    private func identity(_ caller: Caller?, _ process: CallerProcess?) -> LineIdentity {
        guard let caller else { return daemon }
        return LineIdentity(caller, process: process ?? processes.lookup(caller.pid))
    }

    /// Writes the whole buffer. On an error (disk full, EIO) it keeps the data
    /// and retries once a second, so producers eventually block rather than
    /// lines being dropped; when closing it gives up after a few tries.
    private func flush(giveUp: Bool) {
        write(upTo: buffer.count, giveUp: giveUp)
        buffer.removeAll(keepingCapacity: true)
    }

    private func write(upTo end: Int, giveUp: Bool) {
        guard end > 0 else { return }
        var offset = 0
        var attempts = 0
        while offset < end {
            let (written, code) = buffer.withUnsafeBytes { raw in
                file.write(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
            }
            offset += written
            if code == 0 { break }
            report(code, "write")
            attempts += 1
            // Once close() has been called, retry briefly and then give up, so
            // a full disk cannot hang shutdown forever.
            let closing = giveUp || queue.withLock { $0.isClosing }
            if closing && attempts >= 5 {
                Self.warn("audit log: gave up writing \(end - offset) bytes to \(file.path)")
                return
            }
            Sys.sleep(microseconds: closing ? 200_000 : 1_000_000)
        }
        if reportedErrno != 0 {
            reportedErrno = 0
            Self.warn("audit log: writing \(file.path) works again")
        }
        unsynced = true
    }

    private func syncIfDue() {
        guard unsynced else { return }
        let now = Sys.coarseMonotonicMicroseconds()
        guard now - lastSync >= Self.syncIntervalMicroseconds else { return }
        reportSync(file.dataSync())
        lastSync = now
        unsynced = false
    }

    /// One message per distinct failure, not one per retry.
    private func report(_ code: Int32, _ operation: String) {
        guard code != reportedErrno else { return }
        reportedErrno = code
        Self.warn("audit log: cannot \(operation) \(file.path): \(Errno(rawValue: code)) (\(errnoName(code))); retrying, file operations will block once the queue is full")
    }

    /// A failed fsync, once per distinct errno: the data stays in the page
    /// cache and the next sync (each second while lines arrive) tries again.
    private func reportSync(_ failure: Errno?) {
        guard let failure else {
            reportedSyncErrno = 0
            return
        }
        guard failure.rawValue != reportedSyncErrno else { return }
        reportedSyncErrno = failure.rawValue
        Self.warn("audit log: cannot sync \(file.path) to disk: \(failure) (\(errnoName(failure.rawValue)))")
    }

    static func warn(_ message: String) {
        let line = Array((message + "\n").utf8)
        // Nowhere left to report a failure to write to stderr.
        line.withUnsafeBytes { try? Sys.writeAll(.standardError, $0) }
    }
}
