import GateAuditFormat
import GateSystem
import Synchronization

/// pid → (comm, container, tgid), remembered for about two seconds.
///
/// One cache can serve the audit log and the gate's per-process limits:
/// create it once and pass it to `AuditLog.open(_:processes:)`.
///
/// The gate asks at open, deny and readdir time on the FUSE thread, because
/// the caller may be gone by the time the writer thread formats the line. A
/// hit is one lock, one dictionary probe and a coarse-clock compare (no
/// syscall: `CLOCK_MONOTONIC_COARSE` is read from the vDSO); a miss reads two
/// small `/proc` files. The short expiry bounds the damage of pid reuse and
/// picks up a process that renamed itself (`prctl(PR_SET_NAME)`). At
/// `capacity` entries expired ones are dropped, and if none has expired the
/// table is cleared: crude, but bounded and rare.
public final class CallerProcessCache: Sendable {
    private struct Entry {
        var process: CallerProcess
        var expires: Int64
    }

    private let entries: Mutex<[Int32: Entry]>
    private let ttlMicroseconds: Int64
    private let capacity: Int
    private let procRoot: String

    /// Entries live `ttlMicroseconds`; at most `capacity` are kept.
    public convenience init(ttlMicroseconds: Int64 = 2_000_000, capacity: Int = 1024) {
        self.init(ttlMicroseconds: ttlMicroseconds, capacity: capacity, procRoot: "/proc")
    }

    init(ttlMicroseconds: Int64, capacity: Int, procRoot: String) {
        self.entries = Mutex([:])
        self.ttlMicroseconds = ttlMicroseconds
        self.capacity = capacity
        self.procRoot = procRoot
    }

    /// What `/proc/PID` says, from the cache when fresh. pid 0 (the kernel)
    /// and a process already gone give empty fields.
    public func lookup(_ pid: Int32) -> CallerProcess {
        guard pid > 0 else { return .unknown }
        let now = Sys.coarseMonotonicMicroseconds()
        if let hit = entries.withLock({ $0[pid] }), hit.expires > now {
            return hit.process
        }
        // Read outside the lock so one slow /proc read does not stall other threads.
        let process = CallerProcess.read(pid: pid, procRoot: procRoot)
        entries.withLock { table in
            if table.count >= capacity {
                table = table.filter { $0.value.expires > now }
                if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            }
            table[pid] = Entry(process: process, expires: now + ttlMicroseconds)
        }
        return process
    }
}
