/// The access mode of an `open`, written as `flags` ("r", "w", "rw").
public enum OpenMode: Sendable, Hashable {
    case read, write, readWrite

    /// The `O_ACCMODE` part of open(2) flags.
    public init(openFlags: Int32) {
        switch openFlags & 3 {
        case 1: self = .write
        case 2: self = .readWrite
        default: self = .read
        }
    }

    var logName: StaticString {
        switch self {
        case .read: "r"
        case .write: "w"
        case .readWrite: "rw"
        }
    }
}
