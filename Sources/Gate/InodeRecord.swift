import GatePolicy
import GateSystem

/// What the gate remembers about one node the kernel holds a reference to.
///
/// It keeps no file descriptor: a node is re-opened from its parent's
/// directory descriptor by name and its identity checked, so a tree of a
/// million files never needs a million descriptors.
struct InodeRecord: Sendable {
    let identity: FileIdentity
    let kind: FileKind
    /// The directory this node was looked up in. The parent record stays in
    /// the table while any child references it (`children`).
    let parent: InodeNumber
    let name: [UInt8]
    /// Directories only: the policy state for deciding their children.
    let cursor: PolicyCursor?
    /// Directories only: the mount the directory lies on.
    let mountID: UInt64
    /// Size, mtime and ctime in the attributes last sent to the kernel
    /// (regular files). An open that finds them changed has the kernel
    /// drop its cached attributes.
    var stamp: ChangeStamp?
    /// References held by the kernel (lookups not yet forgotten).
    var nlookup: UInt64
    /// Records in the table whose `parent` is this one.
    var children: UInt32
}
