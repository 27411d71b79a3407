import Glibc
import SystemPackage

/// A file descriptor owned by exactly one object and closed when the last
/// reference to that object goes away. Every descriptor `Sys` opens comes
/// back as one, so none can leak between the open and its owner.
///
/// The directory-fd cache hands these out: an op keeps its reference for the
/// duration of one syscall, so evicting the entry from the cache can never
/// close a descriptor another thread is still using.
public final class OwnedFD: Sendable {
    public let descriptor: FileDescriptor

    public init(adopting descriptor: FileDescriptor) {
        precondition(descriptor.rawValue >= 0)
        self.descriptor = descriptor
    }

    deinit {
        // close(2) must not be retried on EINTR on Linux: the fd is gone
        // either way, and a retry could close a descriptor another thread
        // was just given the same number.
        _ = Glibc.close(descriptor.rawValue)
    }
}
