import GateSystem
import Synchronization

/// One open file of the view: the source descriptor and the counters its
/// `close` audit line reports.
final class OpenFile: Sendable {
    let fd: OwnedFD
    let ino: InodeNumber
    let path: [UInt8]
    let reads = Atomic<UInt64>(0)
    let bytes = Atomic<UInt64>(0)

    init(fd: OwnedFD, ino: InodeNumber, path: [UInt8]) {
        self.fd = fd
        self.ino = ino
        self.path = path
    }
}
