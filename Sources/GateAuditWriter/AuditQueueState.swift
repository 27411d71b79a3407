import GateAuditFormat

/// What producers and the writer share, guarded by one `ConditionMutex`.
///
/// Lock order: there is only this lock on the record path; the process cache's
/// lock is never taken while holding it.
struct AuditQueueState {
    /// Condition numbers on the queue's `ConditionMutex`.
    static let notEmpty = 0
    static let notFull = 1

    /// Events in arrival order. The writer swaps this array for its own empty
    /// one, so neither side reallocates in steady state.
    var pending: [AuditEntry] = []
    let capacity: Int

    /// Producers between "queue full" and "my event is queued". The writer does
    /// not write the final line while any remain, so nobody's event is lost.
    var blockedProducers = 0
    /// Backpressure not yet reported: total and longest wait, number of waits.
    var blockedMicroseconds: UInt64 = 0
    var blockedMaxMicroseconds: UInt64 = 0
    var blockedCount: UInt64 = 0

    enum Phase {
        case running
        /// `close` was called; the writer drains, writes `final` (if any) and stops.
        case closing(final: AuditEntry?)
        /// The writer has finished; later events are discarded.
        case closed
    }
    var phase: Phase = .running

    /// Tests pause the writer to fill the queue deterministically.
    var writerPaused = false

    /// The writer is asleep with nothing to do and must be signalled for the
    /// next event. While it lingers after a batch (see `AuditWriter.linger`)
    /// this is false, and producers do not signal: events pile up into one
    /// batch instead of costing a wake-up and a write(2) each.
    var writerIdle = false

    /// Events queued at which a lingering writer is woken early, so a burst
    /// never fills the queue while the writer sleeps.
    let wakeThreshold: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.wakeThreshold = max(1, min(self.capacity / 2, 4096))
        pending.reserveCapacity(self.capacity + 1)
    }

    var isFull: Bool { pending.count >= capacity }

    var isClosing: Bool {
        if case .closing = phase { return true }
        return false
    }

    var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    /// A lingering writer should stop lingering: the queue is filling up,
    /// someone is blocked on it, or the log is closing.
    var writerUrgent: Bool {
        if writerPaused { return false }
        return pending.count >= wakeThreshold || blockedProducers > 0 || isClosing
    }

    /// The writer has work: events, or a close to finish.
    var writerReady: Bool {
        if writerPaused { return false }
        return !pending.isEmpty || (isClosing && blockedProducers == 0)
    }
}
