import Glibc

extension Sys {
    /// This process's id and its real user and group ids (getpid, getuid and
    /// getgid cannot fail).
    public static func processIdentity() -> (pid: Int32, uid: UInt32, gid: UInt32) {
        (getpid(), getuid(), getgid())
    }

}
