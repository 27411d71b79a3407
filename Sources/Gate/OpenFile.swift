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
    let reads = Atomic<UInt64>(0)
    let bytes = Atomic<UInt64>(0)

    init(fd: OwnedFD, ino: InodeNumber, path: [UInt8], opener: Int32) {
        self.opener = opener
        self.fd = fd
        self.ino = ino
        self.path = path
    }
}
