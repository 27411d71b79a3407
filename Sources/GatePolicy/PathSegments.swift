/// The segments of a relative byte path, skipping empty and `.` segments so
/// that "", ".", "/" and "a//b/" mean what a user would expect.
struct PathSegments: Sequence, IteratorProtocol {
    private let path: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ path: UnsafeBufferPointer<UInt8>) {
        self.path = path
    }

    mutating func next() -> UnsafeBufferPointer<UInt8>? {
        while position < path.count {
            var end = position
            while end < path.count, path[end] != UInt8(ascii: "/") { end += 1 }
            let start = position
            position = end + 1
            let length = end - start
            if length == 0 || (length == 1 && path[start] == UInt8(ascii: ".")) { continue }
            return UnsafeBufferPointer(rebasing: path[start..<end])
        }
        return nil
    }
}
