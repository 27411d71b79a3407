/// Cuts a byte stream into lines; keeps an unfinished last line until more
/// bytes (or the end) arrive. Shared by the reader and the follower.
struct AuditLineSplitter {
    private(set) var partial: [UInt8] = []
    private(set) var linesEmitted = 0

    mutating func feed<C: Collection>(_ chunk: C, _ emit: (_ number: Int, _ line: [UInt8]) -> Void) where C.Element == UInt8 {
        var lineStart = chunk.startIndex
        var index = chunk.startIndex
        while index != chunk.endIndex {
            if chunk[index] == 0x0A {
                var line = partial
                line.append(contentsOf: chunk[lineStart..<index])
                partial.removeAll(keepingCapacity: true)
                linesEmitted += 1
                emit(linesEmitted, line)
                lineStart = chunk.index(after: index)
            }
            index = chunk.index(after: index)
        }
        partial.append(contentsOf: chunk[lineStart..<chunk.endIndex])
    }

    /// Forgets an unfinished line that will never be finished (cut away).
    mutating func dropPartial() {
        partial.removeAll()
    }

    /// Forgets everything (a new file begins).
    mutating func reset() {
        partial.removeAll()
        linesEmitted = 0
    }
}
