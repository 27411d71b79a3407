/// Who made a filesystem request, as FUSE reports it (`fuse_req_ctx`).
///
/// `pid` is the kernel's id of the calling *thread*; `/proc/PID` resolves it
/// either way. A pid of 0 means the kernel made the request on nobody's behalf
/// (FUSE sends some `release` calls that way); the audit log then falls back to
/// the identity that opened the handle.
public struct Caller: Sendable, Hashable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}
