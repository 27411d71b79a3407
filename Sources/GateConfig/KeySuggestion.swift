/// "did you mean …?" for misspelt keys.
enum KeySuggestion {
    /// The known key closest to `key` by edit distance, if close enough to
    /// be a likely typo (at most 2 edits, and fewer than the key's length).
    static func closest(to key: String, among known: [String]) -> String? {
        let scored = known.map { ($0, distance(Array(key.unicodeScalars), Array($0.unicodeScalars))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= 2 && best.1 < key.unicodeScalars.count ? best.0 : nil
    }

    /// Levenshtein distance, with a swap of neighbours counting as one edit.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
