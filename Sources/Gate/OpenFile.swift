import GateSystem
import Synchronization

/// One open file of the view: the source descriptor and the counters its
/// `close` audit line reports.
final class OpenFile: Sendable {
    let fd: OwnedFD
    let ino: InodeNumber
    let path: [UInt8]
    /// The pid that opened it (the per-caller cap counts by it).
    let opener: Int32
    /// The file's size as last seen, for the `bytes` of read lines without a
    /// stat per read; refreshed when a read reaches past it.
    let knownSize: Atomic<UInt64>
    let reads = Atomic<UInt64>(0)
    let bytes = Atomic<UInt64>(0)

    init(fd: OwnedFD, ino: InodeNumber, path: [UInt8], opener: Int32, size: UInt64) {
        self.knownSize = Atomic(size)
        self.opener = opener
        self.fd = fd
        self.ino = ino
        self.path = path
    }
}
