import CFuse
import Gate
import GateSystem
import Glibc

/// One readdir or readdirplus reply being filled: entries are packed with
/// `fuse_add_direntry` or `fuse_add_direntry_plus` into a buffer of the
/// size the kernel asked for, until the next one does not fit.
struct DirectoryPacker: ~Copyable {
    private let req: fuse_req_t
    private let plus: Bool
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0

    init(_ req: fuse_req_t, size: Int, plus: Bool) {
        self.req = req
        self.plus = plus
        buffer = .allocate(byteCount: size, alignment: 8)
    }

    deinit { buffer.deallocate() }

    /// The entries packed so far; valid while the packer lives.
    var packed: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[..<used]) }

    /// Adds one entry, or returns false and adds nothing if it does not
    /// fit. readdirplus sends `entry`, the node the entry's lookup reference
    /// is for, else (for "." and "..") just `attributes`.
    mutating func add(_ item: DirectoryItem, entry: Entry?, attributes: FileStat?) -> Bool {
        let (req, plus, rest) = (req, plus, buffer.count - used)
        let base = (buffer.baseAddress! + used).assumingMemoryBound(to: CChar.self)
        let next = off_t(item.nextOffset)
        let needed = Syscall.withCName(item.name) { cname in
            if plus {
                var param = fuse_entry_param()
                if let entry {
                    param = fuse_entry_param(entry)
                } else if let attributes {
                    param.attr = Glibc.stat(attributes)
                }
                return fuse_add_direntry_plus(req, base, rest, cname, &param, next)
            }
            // Plain readdir assigns no node ids; d_ino only has to be
            // non-zero (readdir(3) users skip zero) and unique here.
            var st = Glibc.stat()
            st.st_ino = UInt(attributes?.ino ?? UInt64(item.nextOffset))
            st.st_mode = UInt32(item.kind.direntType) << 12
            return fuse_add_direntry(req, base, rest, cname, &st, next)
        }
        guard needed <= rest else { return false }
        used += needed
        return true
    }
}
