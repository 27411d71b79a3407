import CFuse
import Gate
import GateSystem
import Glibc
import SystemPackage

/// The answer to one FUSE request. Only `answer` makes one, before the op
/// runs, and consumes it with the one libfuse reply call that what the op
/// returned or threw maps to. It is non-copyable and its methods consume
/// it, so the compiler proves no request is answered twice; one dropped
/// without an answer replies EIO from its deinit, so a request is never
/// left hanging in the kernel.
struct Reply: ~Copyable {
    private let req: fuse_req_t

    private init(_ req: fuse_req_t) { self.req = req }

    deinit { _ = fuse_reply_err(req, EIO) }

    /// Serves one request: makes its reply, runs `op`, and answers with the
    /// `Answer` it returns or the `Errno` it throws. Inlined into each op,
    /// so `op` is never a closure object.
    @inline(__always)
    static func answer(_ req: fuse_req_t?, _ op: (Request) throws(Errno) -> Answer) {
        let reply = Reply(req!)
        let answer: Answer
        do {
            answer = try op(Request(req!))
        } catch {
            reply.error(error)
            return
        }
        reply.send(answer)
    }

    private consuming func error(_ e: Errno) {
        _ = fuse_reply_err(req, e.rawValue)
        discard self
    }

    private consuming func send(_ answer: consuming Answer) {
        switch answer {
        case .entry(let entry):
            var param = fuse_entry_param(entry)
            _ = fuse_reply_entry(req, &param)
        case .negativeEntry(let timeout, let after):
            var param = fuse_entry_param(negativeTimeout: timeout)
            _ = fuse_reply_entry(req, &param)
            after?()
        case .attributes(let st, let timeout):
            var s = Glibc.stat(st)
            _ = fuse_reply_attr(req, &s, timeout)
        case .link(let target):
            _ = Syscall.withCName(target) { fuse_reply_readlink(req, $0) }
        case .opened(let fh, let info, let keepCache, let cacheListing, let directIO):
            info.pointee.fh = fh.raw
            gatefs_fi_set_open_flags(info, keepCache ? 1 : 0, cacheListing ? 1 : 0, directIO ? 1 : 0)
            _ = fuse_reply_open(req, info)
        case .data(let source):
            _ = gatefs_reply_fd_data(req, source.fd.rawValue, off_t(source.offset), source.size)
        case .listing(let buffer):
            _ = fuse_reply_buf(req, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
        case .bytes(let bytes):
            _ = bytes.withUnsafeBytes { fuse_reply_buf(req, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count) }
        case .xattrSize(let size):
            _ = fuse_reply_xattr(req, size)
        case .statfs(let stats):
            var s = Glibc.statvfs(stats)
            _ = fuse_reply_statfs(req, &s)
        case .created(let entry, let opened, let info):
            var param = fuse_entry_param(entry)
            info.pointee.fh = opened.handle.raw
            gatefs_fi_set_open_flags(info, 0, 0, opened.directIO ? 1 : 0)
            _ = fuse_reply_create(req, &param, info)
        case .written(let count):
            _ = fuse_reply_write(req, count)
        case .ok:
            _ = fuse_reply_err(req, 0)
        case .none:
            fuse_reply_none(req)
        }
        discard self
    }
}
