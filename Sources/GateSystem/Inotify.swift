import Glibc
import SystemPackage

/// One inotify instance: watches added by descriptor, events drained
/// without blocking. Used to learn, with no polling interval, that a secret
/// store's contents changed on the host.
public final class Inotify: Sendable {
    /// The kinds of change a watch reports, as inotify(7) names them.
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// A name was created in the directory (`IN_CREATE`).
        public static var created: Self { Self(rawValue: UInt32(IN_CREATE)) }
        /// A name was moved into the directory (`IN_MOVED_TO`).
        public static var movedTo: Self { Self(rawValue: UInt32(IN_MOVED_TO)) }
        /// A name was moved out of the directory (`IN_MOVED_FROM`).
        public static var movedFrom: Self { Self(rawValue: UInt32(IN_MOVED_FROM)) }
        /// The watched directory itself was deleted (`IN_DELETE_SELF`).
        public static var deletedSelf: Self { Self(rawValue: UInt32(IN_DELETE_SELF)) }
        /// The watched directory itself was moved (`IN_MOVE_SELF`).
        public static var movedSelf: Self { Self(rawValue: UInt32(IN_MOVE_SELF)) }
        /// Metadata changed, link counts included (`IN_ATTRIB`).
        public static var attributesChanged: Self { Self(rawValue: UInt32(IN_ATTRIB)) }
        /// The kernel dropped events (`IN_Q_OVERFLOW`).
        public static var overflow: Self { Self(rawValue: UInt32(IN_Q_OVERFLOW)) }
    }

    public struct Event: Sendable {
        public let watch: Int32
        public let mask: Events
        public let name: [UInt8]
        /// The kernel dropped events: anything may have changed.
        public var isOverflow: Bool { mask.contains(.overflow) }
    }

    private let fd: OwnedFD

    public init() throws(Errno) {
        let raw = try Syscall.check { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
        fd = OwnedFD(adopting: FileDescriptor(rawValue: raw))
    }

    /// Watches the directory open as `dir` (an O_PATH descriptor will do),
    /// through its /proc/self/fd link, so no path is resolved from the root.
    public func watch(_ dir: FileDescriptor, for events: Events) throws(Errno) -> Int32 {
        try Syscall.check {
            inotify_add_watch(fd.descriptor.rawValue, "/proc/self/fd/\(dir.rawValue)", events.rawValue | UInt32(IN_ONLYDIR))
        }
    }

    /// Waits until an event is queued or `timeoutMilliseconds` pass; true
    /// when one is.
    public func wait(timeoutMilliseconds: Int32) -> Bool {
        let found = (try? Sys.poll(fd.descriptor, for: .readable, timeoutMilliseconds: timeoutMilliseconds)) ?? []
        return !found.isEmpty
    }

    /// Every event queued now; empty when none is.
    public func drain() -> [Event] {
        var events: [Event] = []
        let size = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        // The descriptor is non-blocking: EAGAIN ends the drain.
        while let n = try? Sys.read(fd.descriptor, into: buffer), n > 0 {
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= n {
                let raw = buffer.baseAddress! + offset
                let wd = raw.loadUnaligned(fromByteOffset: 0, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                let nameStart = raw + header
                let nameBytes = UnsafeRawBufferPointer(start: nameStart, count: length)
                let name = Array(nameBytes.prefix { $0 != 0 })
                events.append(Event(watch: wd, mask: Events(rawValue: mask), name: name))
                offset += header + length
            }
        }
        return events
    }
}
