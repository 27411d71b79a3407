import CFuse
import Gate
import GateAuditFormat
import GateSystem
import Glibc
import SystemPackage

/// The libfuse low-level operation table. Each op decodes its C arguments,
/// calls the gate inside `Reply.answer`, and turns what the gate returns
/// into an `Answer`. Nothing else lives here.
enum LowLevelOps {
    static func make() -> fuse_lowlevel_ops {
        var ops = fuse_lowlevel_ops()
        ops.`init` = { userdata, conn in
            let ctx = Unmanaged<BridgeContext>.fromOpaque(userdata!).takeUnretainedValue()
            LowLevelOps.configure(conn!, maxRead: ctx.maxRead)
            ctx.onReady()
        }
        installNodeOps(&ops)
        installFileOps(&ops)
        installDirectoryOps(&ops)
        installXattrOps(&ops)
        installFileWriteOps(&ops)
        installTreeOps(&ops)
        installAttributeWriteOps(&ops)
        return ops
    }

    /// Names and nodes: lookup, forget, attributes, symlinks, access, statfs.
    private static func installNodeOps(_ ops: inout fuse_lowlevel_ops) {
        ops.lookup = { req, parent, cname in
            Reply.answer(req) { r throws(Errno) in
                let answer = try r.gate.lookup(InodeNumber(parent), CName.bytes(cname!), caller: r.caller)
                return Answer(answer, negativeTimeout: r.gate.negativeTimeout)
            }
        }
        ops.forget = { req, ino, nlookup in
            Reply.answer(req) { r throws(Errno) in
                r.gate.forget(InodeNumber(ino), count: nlookup)
                return .none
            }
        }
        ops.forget_multi = { req, count, forgets in
            Reply.answer(req) { r throws(Errno) in
                for f in UnsafeBufferPointer(start: forgets, count: count) {
                    r.gate.forget(InodeNumber(f.ino), count: f.nlookup)
                }
                return .none
            }
        }
        ops.getattr = { req, ino, fi in
            Reply.answer(req) { r throws(Errno) in
                let handle = fi.map { FileHandle($0.pointee.fh) }
                let (st, timeout) = try r.gate.getattr(InodeNumber(ino), handle: handle)
                return .attributes(st, timeout: timeout)
            }
        }
        ops.readlink = { req, ino in
            Reply.answer(req) { r throws(Errno) in .link(target: try r.gate.readlink(InodeNumber(ino), caller: r.caller)) }
        }
        ops.access = { req, ino, mask in
            Reply.answer(req) { r throws(Errno) in
                try r.gate.access(InodeNumber(ino), wantsWrite: mask & W_OK != 0)
                return .ok
            }
        }
        ops.statfs = { req, ino in
            Reply.answer(req) { r throws(Errno) in .statfs(try r.gate.statfs(InodeNumber(ino))) }
        }
    }

    /// Regular files: open, read, release.
    private static func installFileOps(_ ops: inout fuse_lowlevel_ops) {
        ops.open = { req, ino, fi in
            Reply.answer(req) { r throws(Errno) in
                let opened = try r.gate.open(InodeNumber(ino), flags: OpenFlags(openFlags: fi!.pointee.flags), caller: r.caller)
                if opened.attributesStale { r.context.invalidate(ino, pages: false) }
                return .opened(opened.handle, info: fi!, keepCache: false, cacheListing: false, directIO: opened.directIO)
            }
        }
        ops.read = { req, _, size, offset, fi in
            Reply.answer(req) { r throws(Errno) in
                .data(try r.gate.read(FileHandle(fi!.pointee.fh), offset: Int64(offset), size: size, caller: r.caller))
            }
        }
        ops.release = { req, _, fi in
            Reply.answer(req) { r throws(Errno) in
                r.gate.release(FileHandle(fi!.pointee.fh), caller: r.caller)
                return .ok
            }
        }
    }

    /// Directories: opendir, readdir, readdirplus, releasedir.
    private static func installDirectoryOps(_ ops: inout fuse_lowlevel_ops) {
        ops.opendir = { req, ino, fi in
            Reply.answer(req) { r throws(Errno) in
                let (fh, keepListing) = try r.gate.opendir(InodeNumber(ino), caller: r.caller)
                return .opened(fh, info: fi!, keepCache: keepListing, cacheListing: true, directIO: false)
            }
        }
        ops.readdir = { req, _, size, offset, fi in
            LowLevelOps.readdir(req, size: size, offset: offset, fi: fi!, plus: false)
        }
        ops.readdirplus = { req, _, size, offset, fi in
            LowLevelOps.readdir(req, size: size, offset: offset, fi: fi!, plus: true)
        }
        ops.releasedir = { req, _, fi in
            Reply.answer(req) { r throws(Errno) in
                r.gate.releasedir(FileHandle(fi!.pointee.fh))
                return .ok
            }
        }
    }

    /// The listing is packed into a buffer made before the reply and freed
    /// after it has gone out.
    @inline(__always)
    private static func readdir(
        _ req: fuse_req_t?, size: Int, offset: off_t, fi: UnsafeMutablePointer<fuse_file_info>, plus: Bool
    ) {
        var packer = DirectoryPacker(req!, size: size, plus: plus)
        Reply.answer(req) { r throws(Errno) in
            try r.gate.readdir(FileHandle(fi.pointee.fh), offset: Int64(offset), plus: plus, caller: r.caller) {
                packer.add($0, entry: $1, attributes: $2)
            }
            return .listing(packer.packed)
        }
    }

    /// Extended attributes. A size of 0 asks only how large the answer is.
    private static func installXattrOps(_ ops: inout fuse_lowlevel_ops) {
        ops.getxattr = { req, ino, cname, size in
            Reply.answer(req) { r throws(Errno) in
                let value = try r.gate.getxattr(InodeNumber(ino), name: CName.bytes(cname!), size: size, caller: r.caller)
                return size == 0 ? .xattrSize(value.count) : .bytes(value)
            }
        }
        ops.listxattr = { req, ino, size in
            Reply.answer(req) { r throws(Errno) in
                let list = try r.gate.listxattr(InodeNumber(ino))
                if size == 0 { return .xattrSize(list.count) }
                if list.count > size { throw Errno(rawValue: ERANGE) }
                return .bytes(list)
            }
        }
    }

    private static func configure(_ conn: UnsafeMutablePointer<fuse_conn_info>, maxRead: UInt32) {
        var want = conn.pointee.want
        let capable = conn.pointee.capable
        for cap in [gatefs_cap_readdirplus(), gatefs_cap_readdirplus_auto(), gatefs_cap_splice_write(),
                    gatefs_cap_splice_move(), gatefs_cap_async_read(), gatefs_cap_auto_inval_data()]
        where capable & cap != 0 {
            want |= cap
        }
        conn.pointee.want = want
        if maxRead > 0 { conn.pointee.max_read = maxRead }
    }
}
