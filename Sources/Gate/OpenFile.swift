import GateAuditFormat
import GateSystem
import Synchronization

/// One open file of the view: the source descriptor and the counters its
/// `close` audit line reports.
final class OpenFile: Sendable {
    let fd: OwnedFD
    let ino: InodeNumber
    let identity: FileIdentity
    let path: [UInt8]
    /// The process (and container) that opened it, for the caps.
    let owner: HandleOwner
    /// Set when the file turned out to be a secret after it was opened (the
    /// host hard-linked it into a store): its reads are refused from then on.
    let revoked = Atomic<Bool>(false)
    /// The file's size as last seen, for the `bytes` of read lines without a
    /// stat per read; refreshed when a read reaches past it.
    let knownSize: Atomic<UInt64>
    let reads = Atomic<UInt64>(0)
    let bytes = Atomic<UInt64>(0)
    /// Whether `fd` was opened for writing (inside a write grant).
    let writable: Bool
    let writes = Atomic<UInt64>(0)
    let written = Atomic<UInt64>(0)

    init(fd: OwnedFD, ino: InodeNumber, stat st: FileStat, path: [UInt8], owner: HandleOwner, writable: Bool = false) {
        self.writable = writable
        self.identity = st.identity
        self.knownSize = Atomic(st.size)
        self.owner = owner
        self.fd = fd
        self.ino = ino
        self.path = path
    }

    /// The write totals a `close` line reports; nil for a read-only handle.
    var writeTotals: WriteTotals? {
        guard writable else { return nil }
        return WriteTotals(writes: writes.load(ordering: .relaxed), bytes: written.load(ordering: .relaxed))
    }
}
