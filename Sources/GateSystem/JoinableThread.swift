import Glibc
import SystemPackage

/// A named thread that runs one body to its end and is joined by its owner
/// (`BackgroundThread` is the detached kind). The audit log's writer runs on
/// one: closing the log waits for the writer's last line and fsync.
public final class JoinableThread: Sendable {
    private let thread: pthread_t

    /// Starts `body` on a new thread named `name` (at most 15 bytes show in /proc).
    /// The corresponding C function is `pthread_create(3)`.
    public init(name: String, _ body: sending @escaping () -> Void) throws(Errno) {
        let start = Start(name: Array(name.utf8.prefix(15)), body: body)
        let context = Unmanaged.passRetained(start).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            // Taking the retained value here releases `body`, and with it
            // what it captured, when the thread ends, before `join` returns.
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            BackgroundThread.nameCurrentThread(start.name)
            start.body()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Start>.fromOpaque(context).release()
            throw Errno(rawValue: status)
        }
        self.thread = thread
    }

    /// Waits for the body to return. Call it exactly once.
    /// The corresponding C function is `pthread_join(3)`.
    public func join() {
        let status = pthread_join(thread, nil)
        // EDEADLK or EINVAL: joined from itself or twice, a bug in the caller.
        precondition(status == 0, "pthread_join failed: \(Errno(rawValue: status))")
    }

    private final class Start {
        let name: [UInt8]
        let body: () -> Void
        init(name: [UInt8], body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
