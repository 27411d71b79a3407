import Glibc

/// A value and the pthread mutex that guards it, plus condition variables
/// bound to that mutex, for state that threads must *wait* on.
///
/// `Synchronization.Mutex` is the lock for plain mutual exclusion; this is
/// for the cases it cannot serve: the audit queue's producers block while
/// the queue is full and its writer sleeps while it is empty, and a wait
/// needs a condition variable bound to the same mutex.
///
/// `@unchecked Sendable`: `state` is only touched inside `withLock`, which
/// holds `mutex`; the compiler cannot see that invariant.
///
/// Conditions are numbered `0..<conditions` and use `CLOCK_MONOTONIC`, so a
/// timed wait is not stretched or cut short by a wall-clock step. The
/// methods are inlinable so a caller in another module (the audit queue,
/// on every FUSE request) gets them specialized, as it would in its own.
public final class ConditionMutex<State>: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline let conditions: UnsafeMutablePointer<pthread_cond_t>
    @usableFromInline let conditionCount: Int
    @usableFromInline var state: State

    public init(_ state: State, conditions: Int = 0) {
        self.state = state
        self.conditionCount = conditions
        mutex = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
        self.conditions = .allocate(capacity: max(conditions, 1))
        var attr = pthread_condattr_t()
        precondition(pthread_condattr_init(&attr) == 0, "pthread_condattr_init")
        precondition(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0, "pthread_condattr_setclock")
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

    // pthread_mutex_lock/unlock on a default mutex fail only for a mutex that
    // is not initialised or not held by the caller; neither can happen here,
    // so their results are not checked (nor are cond_wait/signal/broadcast's,
    // which fail only for invalid arguments).

    @inlinable
    public func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
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
    @inlinable
    public func withLock<R>(
        waitingOn condition: Int, until ready: (State) -> Bool, timeoutMicroseconds: Int64? = nil,
        _ body: (inout State) -> R
    ) -> R {
        precondition(condition < conditionCount)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let timeoutMicroseconds {
            var deadline = Self.monotonicDeadline(after: timeoutMicroseconds)
            while !ready(state) {
                if pthread_cond_timedwait(conditions + condition, mutex, &deadline) == ETIMEDOUT { break }
            }
        } else {
            while !ready(state) { pthread_cond_wait(conditions + condition, mutex) }
        }
        return body(&state)
    }

    @usableFromInline
    static func monotonicDeadline(after microseconds: Int64) -> timespec {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanos = Int64(deadline.tv_nsec) + (microseconds % 1_000_000) * 1000
        deadline.tv_sec += Int(microseconds / 1_000_000 + nanos / 1_000_000_000)
        deadline.tv_nsec = Int(nanos % 1_000_000_000)
        return deadline
    }

    /// Wakes one waiter. Cheap when nobody waits (glibc checks a counter first).
    @inlinable
    public func signal(_ condition: Int) {
        pthread_cond_signal(conditions + condition)
    }

    @inlinable
    public func broadcast(_ condition: Int) {
        pthread_cond_broadcast(conditions + condition)
    }
}
