import Glibc

/// A value and the lock that guards it, plus condition variables tied to that lock.
///
/// `@unchecked Sendable` is declared here and nowhere else in GateAudit: `state`
/// is only touched inside `withLock`, which holds `mutex`, and that invariant is
/// what the compiler cannot see. `Synchronization.Mutex` would do for plain
/// locking, but the audit queue needs to *wait* (producers block while the queue
/// is full, the writer sleeps while it is empty), which needs a condition
/// variable bound to the same pthread mutex.
///
/// Conditions are numbered `0..<conditions` and use `CLOCK_MONOTONIC`, so a
/// timed wait is not stretched or cut short by a wall-clock step.
final class Mutex<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let conditions: UnsafeMutablePointer<pthread_cond_t>
    private let conditionCount: Int
    private var state: State

    init(_ state: State, conditions: Int = 0) {
        self.state = state
        self.conditionCount = conditions
        mutex = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
        self.conditions = .allocate(capacity: max(conditions, 1))
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        for index in 0..<conditions {
            precondition(pthread_cond_init(self.conditions + index, &attr) == 0, "pthread_cond_init")
        }
        pthread_condattr_destroy(&attr)
    }

    deinit {
        for index in 0..<conditionCount { pthread_cond_destroy(conditions + index) }
        pthread_mutex_destroy(mutex)
        conditions.deallocate()
        mutex.deallocate()
    }

    func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Takes the lock, sleeps on `condition` until `ready(state)` holds (the lock
    /// is released while asleep), then runs `body` with the lock held.
    ///
    /// With `timeoutMicroseconds`, `body` also runs when the time is up and
    /// `ready` still fails; `body` must look at the state to tell which.
    /// `ready` is re-checked after every wake-up, so spurious wake-ups are harmless.
    func withLock<R>(
        waitingOn condition: Int, until ready: (State) -> Bool, timeoutMicroseconds: Int64? = nil,
        _ body: (inout State) -> R
    ) -> R {
        precondition(condition < conditionCount)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let timeoutMicroseconds {
            var deadline = timespec()
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            let nanos = Int64(deadline.tv_nsec) + (timeoutMicroseconds % 1_000_000) * 1000
            deadline.tv_sec += Int(timeoutMicroseconds / 1_000_000 + nanos / 1_000_000_000)
            deadline.tv_nsec = Int(nanos % 1_000_000_000)
            while !ready(state) {
                if pthread_cond_timedwait(conditions + condition, mutex, &deadline) == ETIMEDOUT { break }
            }
        } else {
            while !ready(state) { pthread_cond_wait(conditions + condition, mutex) }
        }
        return body(&state)
    }

    /// Wakes one waiter. Cheap when nobody waits (glibc checks a counter first).
    func signal(_ condition: Int) {
        pthread_cond_signal(conditions + condition)
    }

    func broadcast(_ condition: Int) {
        pthread_cond_broadcast(conditions + condition)
    }
}
