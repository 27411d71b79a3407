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
    /// `parent`, `name` and `cursor` change only when the node is renamed
    /// through the view (`InodeTable.moved`).
    var parent: InodeNumber
    var name: [UInt8]
    /// Directories only: the policy state for deciding their children.
    var cursor: PolicyCursor?
    /// Directories only: the mount the directory lies on.
    let mountID: UInt64
    /// Regular files: the stamp in the attributes last sent to the kernel;
    /// an open that finds the file changed has the kernel drop them.
    /// Directories: the stamp at opendir of the last listing the kernel may
    /// keep cached (one of `cachedListingMinimum` entries or more), else nil.
    var stamp: ChangeStamp?
    /// Directories: how many entries that cached listing showed.
    var listedEntries: Int32 = 0
    /// References held by the kernel (lookups not yet forgotten).
    var nlookup: UInt64
    /// Records in the table whose `parent` is this one.
    var children: UInt32
}
