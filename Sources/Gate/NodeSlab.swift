/// The inode table's records in one array, indexed by node id - 1.
///
/// A forgotten node's slot goes to the next new node, so the array is as
/// long as the most nodes the kernel ever held at once, and a record costs
/// its own size, not the two to three times that a hash table's buckets
/// cost (100k nodes in a Dictionary took 262,144 buckets). Reusing an id
/// is safe: the kernel sends FORGET only once it holds no reference to the
/// id, open handles pin their node, and a record's per-node state (its
/// stamp, a cached listing) leaves with it.
struct NodeSlab: Sendable {
    private var slots: [InodeRecord?] = []
    private var free: [UInt32] = []

    /// The record for `ino`, or nil if no node has that id.
    subscript(ino: UInt64) -> InodeRecord? {
        get {
            let i = Int(truncatingIfNeeded: ino) &- 1
            return i >= 0 && i < slots.count ? slots[i] : nil
        }
        _modify {
            let i = Int(truncatingIfNeeded: ino) &- 1
            precondition(i >= 0 && i < slots.count && slots[i] != nil, "gatefs bug: no node \(ino)")
            yield &slots[i]
            precondition(slots[i] != nil, "gatefs bug: use remove(_:) to drop node \(ino)")
        }
    }

    /// Stores a new record and returns its node id.
    mutating func insert(_ record: InodeRecord) -> UInt64 {
        if let i = free.popLast() {
            slots[Int(i)] = record
            return UInt64(i) + 1
        }
        slots.append(record)
        return UInt64(slots.count)
    }

    mutating func remove(_ ino: UInt64) {
        let i = Int(truncatingIfNeeded: ino) &- 1
        precondition(i >= 0 && i < slots.count && slots[i] != nil, "gatefs bug: no node \(ino) to remove")
        slots[i] = nil
        free.append(UInt32(i))
    }
}
