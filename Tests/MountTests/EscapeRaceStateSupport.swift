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
