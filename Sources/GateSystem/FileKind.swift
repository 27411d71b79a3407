/// The type of a file, from the `S_IFMT` bits of its mode.
public enum FileKind: Sendable, Hashable {
    case directory, regular, symlink, fifo, socket, characterDevice, blockDevice, unknown

    public init(mode: UInt32) {
        switch mode & 0o170000 {
        case 0o040000: self = .directory
        case 0o100000: self = .regular
        case 0o120000: self = .symlink
        case 0o010000: self = .fifo
        case 0o140000: self = .socket
        case 0o020000: self = .characterDevice
        case 0o060000: self = .blockDevice
        default: self = .unknown
        }
    }

    /// From a `d_type` value of getdents64.
    public init(direntType: UInt8) {
        switch direntType {
        case 4: self = .directory
        case 8: self = .regular
        case 10: self = .symlink
        case 1: self = .fifo
        case 12: self = .socket
        case 2: self = .characterDevice
        case 6: self = .blockDevice
        default: self = .unknown
        }
    }

    /// The `d_type` value for directory replies.
    public var direntType: UInt8 {
        switch self {
        case .directory: 4
        case .regular: 8
        case .symlink: 10
        case .fifo: 1
        case .socket: 12
        case .characterDevice: 2
        case .blockDevice: 6
        case .unknown: 0
        }
    }
}
