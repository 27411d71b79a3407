/// Fast, seeded, non-repeating filler bytes (xorshift64*, period 2^64 - 1),
/// so a read that returns the wrong offset never matches by accident.
struct PseudoRandomBytes {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// `count` bytes, filled a word at a time.
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { raw in
            let words = count / 8
            let w = raw.baseAddress!.bindMemory(to: UInt64.self, capacity: words)
            for i in 0..<words { w[i] = next() }
            var last = next()
            for i in (words * 8)..<count {
                raw[i] = UInt8(truncatingIfNeeded: last)
                last >>= 8
            }
        }
        return out
    }

    /// A uniform value in 0..<bound.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
