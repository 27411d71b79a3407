import Glibc
import SystemPackage

/// A detached thread that runs `step` until it returns false.
public final class BackgroundThread: Sendable {
    private let step: @Sendable () -> Bool

    public init(_ step: @escaping @Sendable () -> Bool) {
        self.step = step
    }

    /// Starts the thread; `name` shows in /proc (at most 15 bytes).
    public func start(name: String) {
        let started = Started(thread: self, name: Array(name.utf8.prefix(15)))
        let context = Unmanaged.passRetained(started).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let started = Unmanaged<Started>.fromOpaque(raw!).takeRetainedValue()
            BackgroundThread.nameCurrentThread(started.name)
            while started.thread.step() {}
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Started>.fromOpaque(context).release()
            return
        }
        pthread_detach(thread)
    }

    private final class Started {
        let thread: BackgroundThread
        let name: [UInt8]
        init(thread: BackgroundThread, name: [UInt8]) {
            self.thread = thread
            self.name = name
        }
    }

    /// Names the calling thread in /proc (pthread_setname_np needs _GNU_SOURCE).
    static func nameCurrentThread(_ name: [UInt8]) {
        guard let fd = try? Sys.openPath("/proc/thread-self/comm", .writeOnly) else { return }
        // A thread without its name is only harder to tell apart in /proc.
        _ = name.withUnsafeBytes { (bytes) -> Int? in try? Sys.write(fd.descriptor, bytes) }
    }
}
