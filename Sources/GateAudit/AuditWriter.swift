import Glibc

/// The writer thread's side of the log: drains the queue, resolves callers,
/// encodes lines into one reused buffer and writes each batch with one
/// `write(2)` (two when a rotation falls inside the batch).
///
/// Everything here is touched by the writer thread only; `queue` is the one
/// shared object.
final class AuditWriter {
    private let queue: Mutex<AuditQueueState>
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

    init(queue: Mutex<AuditQueueState>, processes: CallerProcessCache, opened: AuditLogFile.Opened) {
        self.queue = queue
        self.processes = processes
        self.file = opened.file
        self.encoder = AuditLineEncoder(previousHash: opened.lastHash, lastSeq: opened.lastSeq)
        buffer.reserveCapacity(1 << 20)
        let me = Caller(pid: getpid(), uid: getuid(), gid: getgid())
        daemon = LineIdentity(me, process: CallerProcess.read(pid: me.pid))
    }

    func run() {
        Self.nameThread()
        var batch: [AuditEntry] = []
        batch.reserveCapacity(queue.withLock { $0.capacity } + 1)
        // After writing a batch the writer lingers briefly instead of waiting
        // to be signalled, so a busy filesystem costs one wake-up and one
        // write(2) per `linger`, not per event.
        var lingering = false
        while true {
            var backpressure: AuditEntry?
            var finishing = false
            var final: AuditEntry?
            if !lingering {
                queue.withLock { state in state.writerIdle = !state.writerReady }
            }
            queue.withLock(
                waitingOn: AuditQueueState.notEmpty,
                until: { lingering ? $0.writerUrgent : $0.writerReady },
                timeoutMicroseconds: lingering ? Self.lingerMicroseconds
                    : unsynced ? Self.syncIntervalMicroseconds : nil
            ) { state in
                state.writerIdle = false
                guard state.writerReady else { return }  // timed out: only sync
                swap(&state.pending, &batch)
                if state.blockedCount > 0 {
                    backpressure = AuditEntry(
                        time: .now(),
                        kind: .backpressure(waitedMicroseconds: state.blockedMicroseconds, blocked: state.blockedCount,
                                            maxMicroseconds: state.blockedMaxMicroseconds),
                        path: [], caller: nil, process: nil)
                    state.blockedCount = 0
                    state.blockedMicroseconds = 0
                    state.blockedMaxMicroseconds = 0
                }
                if batch.isEmpty, case .closing(let last) = state.phase, state.blockedProducers == 0 {
                    final = last
                    finishing = true
                    state.phase = .closed
                }
            }
            lingering = !batch.isEmpty
            if !batch.isEmpty { queue.broadcast(AuditQueueState.notFull) }
            for entry in batch { encode(entry) }
            batch.removeAll(keepingCapacity: true)
            if let backpressure { encode(backpressure) }
            if var final {
                final.time = .now()
                encode(final)
            }
            flush(giveUp: finishing)
            if finishing {
                file.sync()
                file.close()
                return
            }
            syncIfDue()
        }
    }

    private func encode(_ entry: AuditEntry) {
        let (path, identity) = resolve(entry)
        let lineStart = buffer.count
        encoder.append(entry, path: path, identity: identity, to: &buffer)
        if file.wouldOverflow(adding: buffer.count - lineStart, pending: lineStart) {
            // The new line starts the next file: write what precedes it, rotate,
            // and keep the line at the front of the buffer.
            if lineStart > 0 {
                write(upTo: lineStart, giveUp: false)
                buffer.removeSubrange(0..<lineStart)
            }
            do {
                try file.rotate()
            } catch {
                report(error.errno, "rotate")
            }
        }
    }

    private func resolve(_ entry: AuditEntry) -> ([UInt8], LineIdentity) {
        switch entry.kind {
        case .event(.open(_, let handle, let errno)):
            let identity = identity(entry.caller, entry.process)
            if errno == 0 { handles[handle] = HandleOwner(path: entry.path, identity: identity) }
            return (entry.path, identity)
        case .event(.read(let handle, _, _, _)), .event(.close(let handle, _, _)):
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
        case .event(.deny), .event(.readdir):
            return (entry.path, identity(entry.caller, entry.process))
        case .backpressure, .recover:
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
            usleep(closing ? 200_000 : 1_000_000)
        }
        if reportedErrno != 0 {
            reportedErrno = 0
            Self.warn("audit log: writing \(file.path) works again")
        }
        unsynced = true
    }

    private func syncIfDue() {
        guard unsynced else { return }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts)
        let now = Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
        guard now - lastSync >= Self.syncIntervalMicroseconds else { return }
        file.dataSync()
        lastSync = now
        unsynced = false
    }

    /// One message per distinct failure, not one per retry.
    private func report(_ code: Int32, _ operation: String) {
        guard code != reportedErrno else { return }
        reportedErrno = code
        Self.warn("audit log: cannot \(operation) \(file.path): \(Syscall.message(code)) (\(errnoName(code))); retrying, file operations will block once the queue is full")
    }

    /// Names the thread "gatefs-audit" for top/ps. `pthread_setname_np` is not
    /// visible to Swift without _GNU_SOURCE, so write the comm file it would.
    private static func nameThread() {
        let fd = Syscall.open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        let name: StaticString = "gatefs-audit"
        name.withUTF8Buffer { _ = Syscall.writeAll(fd, UnsafeRawBufferPointer($0)) }
        _ = Glibc.close(fd)
    }

    static func warn(_ message: String) {
        let line = Array((message + "\n").utf8)
        line.withUnsafeBytes { _ = Syscall.writeAll(2, $0) }
    }
}
