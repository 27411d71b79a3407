import Synchronization

/// A weak reference that can cross to another thread.
final class WeakBox<T: AnyObject & Sendable>: Sendable {
    private let ref: Mutex<WeakRef>
    private struct WeakRef: @unchecked Sendable { weak var value: T? }
    init(_ value: T) { ref = Mutex(WeakRef(value: value)) }
    var value: T? { ref.withLock { $0.value } }
}

