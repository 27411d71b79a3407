/// The inode table's records in one array, indexed by node id - 1.
///
/// A forgotten node's slot goes to the next new node, so the array is as
/// long as the most nodes the kernel ever held at once, and a record costs
/// its own size, not the two to three times that a hash table's buckets
/// cost (100k nodes in a Dictionary took 262,144 buckets). Reusing an id
/// is safe: the kernel sends FORGET only once it holds no reference to the
/// id, open handles pin their node, and a record's per-node state (its
/// stamp, a cached listing) leaves with it. A slot keeps its generation
/// while free, so the next node in it gets a new one.
struct NodeSlab: Sendable {
    private struct Slot: Sendable {
        var record: InodeRecord?
        var generation: Generation
    }

    private var slots: [Slot] = []
    private var free: [UInt32] = []

    /// The record for `ino`, or nil if no node has that id.
    subscript(ino: UInt64) -> InodeRecord? {
        get {
            let i = Int(truncatingIfNeeded: ino) &- 1
            return i >= 0 && i < slots.count ? slots[i].record : nil
        }
        _modify {
            let i = Int(truncatingIfNeeded: ino) &- 1
            precondition(i >= 0 && i < slots.count && slots[i].record != nil, "gatefs bug: no node \(ino)")
            yield &slots[i].record
            precondition(slots[i].record != nil, "gatefs bug: use remove(_:) to drop node \(ino)")
        }
    }

    /// The generation of the node that holds `ino` now.
    func generation(_ ino: UInt64) -> Generation {
        slots[Int(truncatingIfNeeded: ino) &- 1].generation
    }

    /// Stores a new record and returns its node id and generation: a
    /// reused id's next one, so no pair is given out twice.
    mutating func insert(_ record: InodeRecord) -> (UInt64, Generation) {
        if let i = free.popLast().map(Int.init) {
            slots[i].record = record
            slots[i].generation = slots[i].generation.next
            return (UInt64(i) + 1, slots[i].generation)
        }
        slots.append(Slot(record: record, generation: .first))
        return (UInt64(slots.count), .first)
    }

    mutating func remove(_ ino: UInt64) {
        let i = Int(truncatingIfNeeded: ino) &- 1
        precondition(i >= 0 && i < slots.count && slots[i].record != nil, "gatefs bug: no node \(ino) to remove")
        slots[i].record = nil
        free.append(UInt32(i))
    }
}
