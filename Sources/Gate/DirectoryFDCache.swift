import GateSystem

/// A bounded cache of O_PATH directory descriptors with CLOCK eviction.
///
/// The fd hard limit here is 20000 and cannot be raised, so the gate holds
/// at most `capacity` directory descriptors, however large the tree. An
/// evicted directory is re-opened from its parent by name when next needed.
struct DirectoryFDCache: Sendable {
    private struct Slot: Sendable {
        var ino: UInt64
        var fd: OwnedFD
        var referenced: Bool
    }

    let capacity: Int
    private var slots: [Slot] = []
    private var index: [UInt64: Int] = [:]
    private var hand = 0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        slots.reserveCapacity(capacity)
    }

    var count: Int { slots.count }

    mutating func get(_ ino: UInt64) -> OwnedFD? {
        guard let i = index[ino] else { return nil }
        slots[i].referenced = true
        return slots[i].fd
    }

    /// Inserts `fd` unless another thread already cached one for `ino`.
    /// Returns the descriptor to use and the one evicted, if any, which the
    /// caller drops after releasing the table lock (so close(2) runs unlocked).
    mutating func insert(_ ino: UInt64, _ fd: OwnedFD) -> (use: OwnedFD, evicted: OwnedFD?) {
        if let existing = get(ino) { return (existing, nil) }
        if slots.count < capacity {
            index[ino] = slots.count
            slots.append(Slot(ino: ino, fd: fd, referenced: true))
            return (fd, nil)
        }
        while slots[hand].referenced {
            slots[hand].referenced = false
            hand = (hand + 1) % capacity
        }
        let victim = slots[hand]
        index[victim.ino] = nil
        index[ino] = hand
        slots[hand] = Slot(ino: ino, fd: fd, referenced: true)
        hand = (hand + 1) % capacity
        return (fd, victim.fd)
    }

    mutating func remove(_ ino: UInt64) -> OwnedFD? {
        guard let i = index.removeValue(forKey: ino) else { return nil }
        let removed = slots[i].fd
        let last = slots.count - 1
        if i != last {
            slots[i] = slots[last]
            index[slots[i].ino] = i
        }
        slots.removeLast()
        if hand >= slots.count { hand = 0 }
        return removed
    }
}
