import Glibc

/// Clocks, sleeping and the local calendar, for the audit log's time stamps,
/// timers and its rendering for people.
extension Sys {
    /// Wall-clock time in microseconds since the Unix epoch.
    /// The corresponding C function is `clock_gettime(2)` with `CLOCK_REALTIME`.
    public static func realtimeMicroseconds() -> Int64 {
        microseconds(CLOCK_REALTIME)
    }

    /// A clock that only moves forward, for measuring waits.
    public static func monotonicMicroseconds() -> Int64 {
        microseconds(CLOCK_MONOTONIC)
    }

    /// The monotonic clock at tick resolution (a few ms), read from the vDSO
    /// without a syscall: for expiry checks on hot paths.
    public static func coarseMonotonicMicroseconds() -> Int64 {
        microseconds(CLOCK_MONOTONIC_COARSE)
    }

    /// clock_gettime fails only for an unknown clock id, and these three are
    /// Linux's own, so its result is not checked.
    private static func microseconds(_ clock: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    /// A broken-down time in the process's time zone (TZ).
    public struct LocalTime: Sendable, Equatable {
        public var year: Int64
        public var month: Int64
        public var day: Int64
        public var hour: Int64
        public var minute: Int64
        public var second: Int64
    }

    /// The local calendar time of `seconds` since the epoch.
    /// The corresponding C function is `localtime_r(3)`.
    public static func localTime(_ seconds: Int64) -> LocalTime {
        var time = time_t(seconds)
        var parts = tm()
        // Fails only when the year overflows an int, far past any log's time;
        // `parts` then stays zero, which renders as an obviously wrong date.
        _ = localtime_r(&time, &parts)
        return LocalTime(
            year: Int64(parts.tm_year) + 1900, month: Int64(parts.tm_mon) + 1, day: Int64(parts.tm_mday),
            hour: Int64(parts.tm_hour), minute: Int64(parts.tm_min), second: Int64(parts.tm_sec))
    }
}
