/// The `event` value of each kind of line, named once for the encoder, the
/// reader and `gatefs log --event`. In the order `gatefs log summary` lists them.
public enum AuditEventName: String, CaseIterable, Sendable {
    case header, mount, unmount, open, read, write, close, deny, readdir, opendir, xattr
    case create, mkdir, mknod, unlink, rmdir, rename, link, symlink, setattr, setxattr, removexattr, fallocate
    case backpressure, recover, rotate

    /// The events that change the tree or a file ("files changed" in `gatefs log summary`).
    public var isChange: Bool {
        switch self {
        case .write, .create, .mkdir, .mknod, .unlink, .rmdir, .rename, .link, .symlink, .setattr, .setxattr,
             .removexattr, .fallocate: true
        default: false
        }
    }
}
