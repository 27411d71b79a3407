import Foundation
import Glibc
import Synchronization

/// A flag and counters shared by race threads.
final class EscapeRaceState: Sendable {
    let stop = Atomic<Bool>(false)
    let swaps = Atomic<Int>(0)
    let reads = Atomic<Int>(0)
    let okReads = Atomic<Int>(0)
    let leaks = Mutex<[String]>([])

    func leak(_ what: String) {
        leaks.withLock { if $0.count < 20 { $0.append(what) } }
    }

    var stopped: Bool { stop.load(ordering: .relaxed) }
}

extension EscapeTestCase {
    /// Runs the swappers and readers together for `seconds`, then stops them all.
    func race(
        seconds: Double, swappers: [@Sendable (EscapeRaceState) -> Void], readers: [@Sendable (EscapeRaceState) -> Void]
    ) -> EscapeRaceState {
        let state = EscapeRaceState()
        let all = swappers + readers
        Self.concurrently(all.count + 1) { i in
            if i == all.count {
                usleep(UInt32(seconds * 1_000_000))
                state.stop.store(true, ordering: .relaxed)
            } else {
                all[i](state)
            }
        }
        return state
    }

    /// Exchanges two names in the directory `dir` and back again until
    /// stopped, so both end where they began.
    static func exchangePairs(at dir: Int32, _ a: String, _ b: String, state: EscapeRaceState) {
        while !state.stopped {
            guard EscapeSyscalls.rename2(at: dir, a, b, flags: EscapeSyscalls.renameExchange) == 0 else { continue }
            sched_yield()
            _ = EscapeSyscalls.rename2(at: dir, a, b, flags: EscapeSyscalls.renameExchange)
            state.swaps.add(2, ordering: .relaxed)
            sched_yield()
        }
    }
}
