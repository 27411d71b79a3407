import GateAuditFormat
import GateSystem
import GateVocabulary

/// The audit log of one mount: FUSE threads `record`, one writer thread writes.
///
/// Threading: `record` may be called from any number of threads at once. It
/// stamps the time, resolves the caller's process name (open, deny, readdir,
/// opendir, xattr only; a cached lookup), and appends to a bounded queue
/// under one lock. It never encodes, hashes, coalesces or touches the log file.
///
/// Backpressure policy: when `queueCapacity` events are waiting, `record`
/// BLOCKS until the writer makes room. Events are never dropped: a slow disk
/// slows the filesystem down instead of losing audit lines. After the wait,
/// the writer adds a `backpressure` line (one per batch) with the total and
/// longest time callers spent blocked and how many blocked. If the log cannot
/// be written at all (disk full), the writer keeps the data and retries every
/// second, so file operations stall until it can; this fails closed.
///
/// Lifetime: call `close(final:)` once, after the FUSE session has stopped
/// sending requests. Events recorded after the writer has finished are
/// discarded. Dropping the last reference without `close` drains and stops
/// the writer but writes no final line.
public final class AuditLog: Sendable {
    /// Whether `read` events are logged; in `.summary` mode the gate can skip
    /// building them (and `record` ignores them anyway).
    public let readLogging: ReadLogging
    /// The current log file.
    public let path: String
    /// The identities of the log's files (current, lock, rotated), kept up
    /// to date by the writer across rotations, for the gate to hide by
    /// identity. A new file is in it before it has a name or content.
    public let fileIdentities: AuditFileIdentities

    private let queue: ConditionMutex<AuditQueueState>
    private let processes: CallerProcessCache
    /// The writer thread; joined once, by whoever moves the phase to closing.
    private let thread: JoinableThread

    private init(readLogging: ReadLogging, path: String, fileIdentities: AuditFileIdentities,
                 queue: ConditionMutex<AuditQueueState>, processes: CallerProcessCache, thread: JoinableThread) {
        self.readLogging = readLogging
        self.path = path
        self.fileIdentities = fileIdentities
        self.queue = queue
        self.processes = processes
        self.thread = thread
    }

    /// Opens or creates the log (0600, parents 0700), locks it against a second
    /// writer, recovers a torn last line, continues the hash chain from the last
    /// line (or from `path.1` if the current file is empty), and starts the
    /// writer thread. Errors name the path and the reason.
    ///
    /// `processes` lets the gate and the log share one process cache (see
    /// `process(of:)`); by default the log makes its own.
    public static func open(_ config: AuditConfig, processes: CallerProcessCache? = nil) throws(AuditLogError) -> AuditLog {
        guard config.rotateBytes > 0, config.keep >= 0, config.queueCapacity > 0,
            config.repeatWindowMicroseconds > 0, config.repeatCapacity > 0
        else {
            throw AuditLogError(operation: "configure", path: config.path, errno: 0,
                                detail: "rotateBytes, queueCapacity and the repeat window and capacity must be positive and keep non-negative")
        }
        let opened = try AuditLogFile.open(path: config.path, rotateBytes: config.rotateBytes, keep: config.keep)
        let queue = ConditionMutex(AuditQueueState(capacity: config.queueCapacity), conditions: 2)
        let processes = processes ?? CallerProcessCache()
        if let torn = opened.torn {
            queue.withLock { state in
                state.pending.append(AuditEntry(time: .now(), kind: .recover(torn: torn, tornBytes: opened.tornBytes),
                                                path: [], caller: nil, process: nil))
            }
        }
        let repeats = AuditRepeats(windowMicroseconds: config.repeatWindowMicroseconds, capacity: config.repeatCapacity)
        let writer = AuditWriter(queue: queue, processes: processes, opened: opened, repeats: repeats)
        let identities = opened.file.identities
        let thread: JoinableThread
        do {
            thread = try JoinableThread(name: "gatefs-audit") { writer.run() }
        } catch {
            // The writer never ran: it still owns the open file, and dropping
            // it here closes the file and releases the lock.
            throw AuditLogError(operation: "start writer thread for", path: config.path, errno: error.rawValue)
        }
        return AuditLog(readLogging: config.reads, path: config.path, fileIdentities: identities, queue: queue,
                        processes: processes, thread: thread)
    }

    /// What `/proc` says about `pid` (a thread id, as FUSE reports it): its
    /// name, container and thread group, from the shared cache (~2 s fresh).
    public func process(of pid: Int32) -> CallerProcess {
        processes.lookup(pid)
    }

    /// Queues one event, stamped now. Blocks only while the queue is full.
    ///
    /// `path` is relative to the source, without a leading slash; empty means
    /// the root (written `.`). For `read` and `close` an empty path means "the
    /// path this handle was opened with", so the gate need not keep it around.
    public func record(_ kind: AuditEventKind, path: [UInt8], caller: Caller?) {
        if case .read = kind, readLogging == .summary { return }
        // Resolve now: by the time the writer runs, the caller may have exited.
        let process = kind.resolvesCallerEagerly ? caller.map { processes.lookup($0.pid) } : nil
        var entry = AuditEntry(time: AuditTime(microseconds: 0), kind: .event(kind), path: path, caller: caller, process: process)
        let (queued, wake) = queue.withLock { state -> (Bool, Bool) in
            if state.isClosed { return (true, false) }
            guard state.isFull || state.blockedProducers > 0 else {
                // Stamped under the lock so time order matches seq order.
                entry.time = .now()
                state.pending.append(entry)
                // Wake the writer only when it sleeps with nothing to do, or
                // when a lingering writer should not wait any longer.
                let wake = state.writerIdle || state.pending.count == state.wakeThreshold
                if wake { state.writerIdle = false }
                return (true, wake)
            }
            state.blockedProducers += 1
            return (false, true)
        }
        if !queued {
            recordBlocked(&entry)
        }
        if wake { queue.signal(AuditQueueState.notEmpty) }
    }

    /// The slow path: wait for room, then account for the wait.
    private func recordBlocked(_ entry: inout AuditEntry) {
        let started = Sys.monotonicMicroseconds()
        queue.withLock(waitingOn: AuditQueueState.notFull, until: { !$0.isFull || $0.isClosed }) { state in
            state.blockedProducers -= 1
            let waited = UInt64(max(0, Sys.monotonicMicroseconds() - started))
            state.blockedMicroseconds += waited
            state.blockedMaxMicroseconds = max(state.blockedMaxMicroseconds, waited)
            state.blockedCount += 1
            entry.time = .now()
            state.pending.append(entry)
        }
        // Another blocked producer may fit too; the writer broadcasts only per batch.
        queue.signal(AuditQueueState.notFull)
    }

    /// Drains every queued event, writes `final` (normally `.unmount`) as the
    /// last line, fsyncs, closes the file and stops the writer thread.
    /// Blocks until done. Calls after the first return at once.
    public func close(final: AuditEventKind) {
        stop(final: AuditEntry(time: .now(), kind: .event(final), path: [], caller: nil, process: nil))
    }

    private func stop(final: AuditEntry?) {
        let first = queue.withLock { state -> Bool in
            guard case .running = state.phase else { return false }
            state.phase = .closing(final: final)
            state.writerPaused = false
            return true
        }
        guard first else { return }
        queue.signal(AuditQueueState.notEmpty)
        thread.join()
    }

    deinit {
        stop(final: nil)
    }

    /// Tests hold the writer to fill the queue deterministically.
    func setWriterPausedForTesting(_ paused: Bool) {
        queue.withLock { $0.writerPaused = paused }
        queue.signal(AuditQueueState.notEmpty)
    }
}
