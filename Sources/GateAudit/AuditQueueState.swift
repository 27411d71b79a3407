/// What producers and the writer share, guarded by one `Mutex`.
///
/// Lock order: there is only this lock on the record path; the process cache's
/// lock is never taken while holding it.
struct AuditQueueState {
    /// Condition numbers on the queue's `Mutex`.
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

    init(capacity: Int) {
        self.capacity = max(1, capacity)
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

    /// The writer has work: events, or a close to finish.
    var writerReady: Bool {
        if writerPaused { return false }
        return !pending.isEmpty || (isClosing && blockedProducers == 0)
    }
}
