import CFuse
import Gate
import GateSystem

/// What an op answers a request with: one case per kind of libfuse reply.
/// An op returns one (or throws an `Errno`) and `Reply.answer` sends it, so
/// no op calls libfuse's reply functions itself.
enum Answer {
    case entry(Entry)
    /// The name does not exist as far as the view goes, and the kernel may
    /// remember that for `timeout` seconds. `after` runs once the reply
    /// has gone out (a hidden name's audit line), so a hidden name is
    /// answered as fast as a missing one.
    case negativeEntry(timeout: Double, after: (@Sendable () -> Void)?)
    case attributes(FileStat, timeout: Double)
    case link(target: [UInt8])
    /// An open file or directory: `cacheListing` (directories) lets the
    /// kernel cache the listing it reads through this handle, `keepCache`
    /// keeps what it cached before, `directIO` (files) has reads through
    /// this handle bypass the page cache.
    case opened(
        FileHandle, info: UnsafeMutablePointer<fuse_file_info>, keepCache: Bool, cacheListing: Bool, directIO: Bool)
    /// Spliced from the source file, not copied through the daemon.
    case data(ReadSource)
    /// A packed directory listing, in a buffer that outlives the reply.
    case listing(UnsafeRawBufferPointer)
    case bytes([UInt8])
    /// The size an extended attribute or the list of them would take.
    case xattrSize(Int)
    case statfs(FileSystemStats)
    /// A file created and opened in one request.
    case created(Entry, OpenedFile, info: UnsafeMutablePointer<fuse_file_info>)
    /// The bytes a write request wrote.
    case written(Int)
    /// Success with nothing to say (release, access).
    case ok
    /// No reply at all: forget is the one request the kernel expects none for.
    case none

    /// A lookup's answer; hidden and missing names get the same negative entry.
    init(_ lookup: LookupAnswer, negativeTimeout: Double) {
        switch lookup {
        case .entry(let entry): self = .entry(entry)
        case .negative(let after): self = .negativeEntry(timeout: negativeTimeout, after: after)
        }
    }
}
