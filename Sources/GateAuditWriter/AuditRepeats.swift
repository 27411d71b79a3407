import GateAuditFormat

/// Coalesces repeated identical denials, on the writer thread only.
///
/// Two denials are identical when caller (pid, uid, gid), op, rule, path and
/// errno are all equal. The first one is written at once and opens a window
/// of `windowMicroseconds` (10 s by default); identical denials inside the
/// window are only counted. The count is written as one `deny` line with
/// `repeat`, `first` and `last` when the window closes, when the file
/// rotates, and when the log closes, whichever comes first; the next
/// identical denial after that is written at once again. So a denial loop
/// costs at most two lines per window instead of one per call, and every
/// denial is in some line's count: the plain lines plus the `repeat` fields
/// add up to the number of denials.
///
/// Memory is bounded by `capacity` open windows. A new kind of denial when
/// the table is full closes the oldest window early (its count, if any, is
/// written at once) to make room: nothing is dropped, the coalescing just
/// gets coarser under a flood of distinct denials.
struct AuditRepeats {
    struct Key: Hashable {
        var caller: Caller?
        var op: String
        var rule: String
        var path: [UInt8]
        var errno: Int32
    }

    private struct Window {
        var process: CallerProcess?
        var count: UInt64 = 0
        var first = AuditTime(microseconds: 0)
        var last = AuditTime(microseconds: 0)
    }

    let windowMicroseconds: Int64
    let capacity: Int
    private var windows: [Key: Window] = [:]
    /// Keys in the order their windows opened, which is also the order they
    /// close in (every window has the same length), with when each closes;
    /// `order[head...]` are live. The writer asks for the next deadline
    /// before every line, so it is read here without hashing a key.
    private var order: [(key: Key, closes: AuditTime)] = []
    private var head = 0

    init(windowMicroseconds: Int64 = AuditConfig.defaultRepeatWindowMicroseconds, capacity: Int = AuditConfig.defaultRepeatCapacity) {
        self.windowMicroseconds = max(1, windowMicroseconds)
        self.capacity = max(1, capacity)
    }

    var isEmpty: Bool { windows.isEmpty }
    var openWindows: Int { windows.count }

    /// When the oldest open window closes, if any.
    var nextDeadline: AuditTime? {
        head < order.count ? order[head].closes : nil
    }

    /// Takes one `deny` entry: true when it must be written now (the first
    /// of its kind in a window), false when it was counted. A window closed
    /// early to make room is passed to `emit` first.
    mutating func admit(_ entry: AuditEntry, op: String, rule: String, errno: Int32, emit: (AuditEntry) -> Void) -> Bool {
        let key = Key(caller: entry.caller, op: op, rule: rule, path: entry.path, errno: errno)
        if windows[key] != nil {
            windows[key]!.count += 1
            if windows[key]!.count == 1 { windows[key]!.first = entry.time }
            windows[key]!.last = entry.time
            return false
        }
        if windows.count >= capacity { closeOldest(at: entry.time, emit) }
        windows[key] = Window(process: entry.process)
        order.append((key, AuditTime(microseconds: entry.time.microseconds + windowMicroseconds)))
        return true
    }

    /// Closes every window that ended at or before `time`. Each count line
    /// is stamped with the moment its window closed.
    mutating func closeExpired(at time: AuditTime, _ emit: (AuditEntry) -> Void) {
        while let deadline = nextDeadline, deadline <= time {
            closeOldest(at: deadline, emit)
        }
    }

    /// Closes every window (rotation, shutdown), stamping the lines `time`.
    mutating func closeAll(at time: AuditTime, _ emit: (AuditEntry) -> Void) {
        while head < order.count { closeOldest(at: time, emit) }
    }

    private mutating func closeOldest(at time: AuditTime, _ emit: (AuditEntry) -> Void) {
        guard head < order.count else { return }
        let key = order[head].key
        head += 1
        if head > 1024 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        } else if head == order.count {
            order.removeAll(keepingCapacity: true)
            head = 0
        }
        guard let window = windows.removeValue(forKey: key), window.count > 0 else { return }
        emit(AuditEntry(
            time: time,
            kind: .repeated(op: key.op, rule: key.rule, errno: key.errno, count: window.count, first: window.first, last: window.last),
            path: key.path, caller: key.caller, process: window.process))
    }
}
