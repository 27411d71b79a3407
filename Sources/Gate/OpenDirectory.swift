import GatePolicy
import GateSystem
import Synchronization

/// One open directory of the view. Its visible entries are read and
/// classified once, when listing starts at offset 0, and served from that
/// snapshot, so offsets stay stable while the kernel pages through them.
final class OpenDirectory: Sendable {
    struct Item: Sendable {
        let name: [UInt8]
        let stat: FileStat
        let cursor: PolicyCursor?
    }

    let stream: OwnedFD
    let ino: InodeNumber
    /// The directory's stamp at opendir.
    let stamp: ChangeStamp
    let snapshot = Mutex<[Item]?>(nil)
    /// Who opened it, for the caps.
    let owner: HandleOwner

    init(stream: OwnedFD, ino: InodeNumber, stamp: ChangeStamp, owner: HandleOwner) {
        self.owner = owner
        self.stream = stream
        self.ino = ino
        self.stamp = stamp
    }
}
