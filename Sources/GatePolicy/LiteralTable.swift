/// Literal-name edges of one automaton node: name bytes → target node.
///
/// This is what keeps `step` from looping over every rule: a thousand
/// literal rules under one directory cost one hash and one byte compare.
/// Lookups take a buffer, so the hot path never builds an array or a
/// String; small tables are scanned linearly, which beats hashing.
struct LiteralTable: Sendable {
    private var keys: [[UInt8]] = []
    private var targets: [Int32] = []
    private var hashes: [UInt64] = []
    /// Open addressing, power-of-two size; entries index `keys`, -1 is empty.
    /// Empty while the table is small enough to scan.
    private var buckets: [Int32] = []

    private static let linearLimit = 6

    var count: Int { keys.count }

    init(_ entries: [([UInt8], Int32)]) {
        for (key, target) in entries {
            keys.append(key)
            targets.append(target)
            hashes.append(key.withUnsafeBufferPointer { Self.hash($0) })
        }
        guard keys.count > Self.linearLimit else { return }
        var size = 8
        while size < keys.count * 2 { size *= 2 }
        buckets = Array(repeating: -1, count: size)
        for (index, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & (size - 1)
            while buckets[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            buckets[slot] = Int32(index)
        }
    }

    /// The target for `name`, or -1.
    func lookup(_ name: UnsafeBufferPointer<UInt8>) -> Int32 {
        if keys.isEmpty { return -1 }
        if buckets.isEmpty {
            for index in keys.indices where Self.equal(keys[index], name) { return targets[index] }
            return -1
        }
        let h = Self.hash(name)
        let mask = buckets.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let index = Int(buckets[slot])
            if index < 0 { return -1 }
            if hashes[index] == h, Self.equal(keys[index], name) { return targets[index] }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private static func equal(_ key: [UInt8], _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        key.count == name.count && SegmentMatcher.hasBytes(name, at: 0, key)
    }

    /// FNV-1a with a final mix so the low bits used for slots are spread.
    /// Unkeyed is safe here: the table is fixed at load, so a name chosen by
    /// whoever creates files can only land in one of its short probe runs.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}
