/// The `event` value of each kind of line, named once for the encoder, the
/// reader and `gatefs log --event`. In the order `gatefs log summary` lists them.
public enum AuditEventName: String, CaseIterable, Sendable {
    case header, mount, unmount, open, read, close, deny, readdir, opendir, xattr, backpressure, recover, rotate
}
