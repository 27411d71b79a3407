import Glibc

/// A file descriptor owned by exactly one object and closed when the last
/// reference to that object goes away.
///
/// The directory-fd cache hands these out: an op keeps its reference for the
/// duration of one syscall, so evicting the entry from the cache can never
/// close a descriptor another thread is still using.
public final class OwnedFD: Sendable {
    public let raw: Int32

    public init(adopting raw: Int32) {
        precondition(raw >= 0)
        self.raw = raw
    }

    deinit {
        // close(2) must not be retried on EINTR on Linux: the fd is gone either way.
        _ = Glibc.close(raw)
    }
}
