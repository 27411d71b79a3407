import CFuse
import Gate
import Synchronization

/// What every request callback needs, reached through the session's userdata.
final class BridgeContext: Sendable {
    let gate: GateFileSystem
    let onReady: @Sendable () -> Void
    let maxRead: UInt32

    init(gate: GateFileSystem, maxRead: UInt32, onReady: @escaping @Sendable () -> Void) {
        self.gate = gate
        self.maxRead = maxRead
        self.onReady = onReady
    }

    /// The session, for notifications to the kernel; set once before the
    /// session starts serving requests.
    private let session = Atomic<UInt>(0)

    func attach(_ session: OpaquePointer) {
        self.session.store(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(session))), ordering: .releasing)
        gate.setInvalidator { [weak self] ino in self?.invalidate(fuse_ino_t(ino.raw), pages: true) }
    }

    /// Makes the kernel drop the node's cached attributes and, with `pages`,
    /// its cached data too, so its next stat or read asks the daemon.
    /// Attributes only: safe from an open request (the kernel takes no lock
    /// an open of the same node holds). Pages: from the gate's own threads,
    /// for a file revoked while open.
    func invalidate(_ ino: fuse_ino_t, pages: Bool) {
        guard let raw = UnsafeRawPointer(bitPattern: session.load(ordering: .acquiring)) else { return }
        _ = fuse_lowlevel_notify_inval_inode(OpaquePointer(raw), ino, pages ? 0 : -1, 0)
    }
}
