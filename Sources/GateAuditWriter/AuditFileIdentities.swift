import GateSystem
import Synchronization
import SystemPackage

/// The (st_dev, st_ino) of every file the log consists of right now: the
/// current file, its lock file, every rotated file still kept, and a deleted
/// rotated file that still had another hard link when it was deleted (its
/// content lives on under that other name).
///
/// The gate asks `contains` on every lookup of a regular file, so that a hard
/// link to the log planted in a visible folder never shows it. The writer
/// inserts a new file's identity before the file has a name or any content
/// (see `AuditLogFile.createCurrent`), so there is no moment in which the
/// file exists and is not in the set.
///
/// Cost of `contains`: one uncontended lock and one set probe.
public final class AuditFileIdentities: Sendable {
    typealias Identity = FileIdentity

    private let identities: Mutex<Set<Identity>>

    init(_ initial: Set<Identity> = []) {
        identities = Mutex(initial)
    }

    public func contains(dev: UInt64, ino: UInt64) -> Bool {
        identities.withLock { $0.contains(Identity(dev: dev, ino: ino)) }
    }

    func insert(_ identity: Identity) {
        _ = identities.withLock { $0.insert(identity) }
    }

    func remove(_ identity: Identity) {
        _ = identities.withLock { $0.remove(identity) }
    }

    /// A copy, for tests.
    var snapshot: Set<Identity> {
        identities.withLock { $0 }
    }

    static func of(fd: FileDescriptor) -> Identity? {
        try? Sys.stat(fd: fd).identity
    }

    static func of(path: String) -> Identity? {
        try? Sys.stat(path: path, followSymlinks: false).identity
    }
}
