import GatePolicy
import GateSystem

/// What the gate decided about one name in one directory.
enum Classification: Sendable {
    /// Shown, with its attributes and (for a directory) its policy cursor.
    case shown(FileStat, PolicyCursor?)
    /// Exists in the source but hidden; `rule` is the audit rule name.
    /// `store` is set when a secret or deny rule hid it: the secret set
    /// remembers it (`SecretIdentities.noteHidden`), after the reply.
    case hidden(rule: String, store: FileStat? = nil)
    /// The view's own mountpoint: hidden without touching the name.
    case mountpoint
    /// Does not exist in the source.
    case missing
}

/// A directory a name is judged in (`GateFileSystem.judge`): a node the kernel holds,
/// or one a symlink resolution or the mount-time scan opened on its way.
struct JudgedDirectory {
    var identity: FileIdentity
    var mountID: UInt64
    var cursor: PolicyCursor
    var fd: OwnedFD
}
