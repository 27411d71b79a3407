import CFuse
import Gate
import GateAuditFormat
import GateSystem
import Glibc
import SystemPackage

/// The libfuse low-level operation table. Each entry decodes C arguments,
/// calls the gate, and answers through a `Reply`. Nothing else lives here.
enum LowLevelOps {
    static func make() -> fuse_lowlevel_ops {
        var ops = fuse_lowlevel_ops()
        ops.`init` = { userdata, conn in
            let ctx = Unmanaged<BridgeContext>.fromOpaque(userdata!).takeUnretainedValue()
            LowLevelOps.configure(conn!, maxRead: ctx.maxRead)
            ctx.onReady()
        }
        ops.lookup = { req, parent, cname in
            let (gate, caller) = (BridgeContext.of(req!).gate, BridgeContext.caller(req!))
            switch Result(catching: { () throws(Errno) in try gate.lookup(InodeNumber(UInt64(parent)), name(cname!), caller: caller) }) {
            case .success(.entry(let entry)): Reply(req!).entry(entry)
            case .success(.negative(let after)):
                Reply(req!).negativeEntry(timeout: gate.negativeTimeout)
                after?()
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.forget = { req, ino, nlookup in
            BridgeContext.of(req!).gate.forget(InodeNumber(UInt64(ino)), count: nlookup)
            Reply(req!).none()
        }
        ops.forget_multi = { req, count, forgets in
            let gate = BridgeContext.of(req!).gate
            for i in 0..<count {
                let f = forgets![i]
                gate.forget(InodeNumber(UInt64(f.ino)), count: f.nlookup)
            }
            Reply(req!).none()
        }
        ops.getattr = { req, ino, _ in
            let gate = BridgeContext.of(req!).gate
            switch Result(catching: { () throws(Errno) in try gate.getattr(InodeNumber(UInt64(ino))) }) {
            case .success(let (st, timeout)): Reply(req!).attr(st, timeout: timeout)
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.readlink = { req, ino in
            let (gate, caller) = (BridgeContext.of(req!).gate, BridgeContext.caller(req!))
            switch Result(catching: { () throws(Errno) in try gate.readlink(InodeNumber(UInt64(ino)), caller: caller) }) {
            case .success(let target): Reply(req!).readlink(target)
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.open = { req, ino, fi in
            let (gate, caller) = (BridgeContext.of(req!).gate, BridgeContext.caller(req!))
            let flags = fi!.pointee.flags
            switch Result(catching: { () throws(Errno) in try gate.open(InodeNumber(UInt64(ino)), flags: flags, caller: caller) }) {
            case .success(let opened):
                if opened.attributesStale { BridgeContext.of(req!).invalidate(ino, pages: false) }
                Reply(req!).open(opened.handle, info: fi!, keepCache: false, directIO: opened.directIO)
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.read = { req, _, size, offset, fi in
            let (gate, caller) = (BridgeContext.of(req!).gate, BridgeContext.caller(req!))
            let fh = FileHandle(fi!.pointee.fh)
            switch Result(catching: { () throws(Errno) in try gate.read(fh, offset: Int64(offset), size: size, caller: caller) }) {
            case .success(let source): Reply(req!).splice(source)
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.release = { req, _, fi in
            BridgeContext.of(req!).gate.release(FileHandle(fi!.pointee.fh), caller: BridgeContext.caller(req!))
            Reply(req!).ok()
        }
        ops.opendir = { req, ino, fi in
            let (gate, caller) = (BridgeContext.of(req!).gate, BridgeContext.caller(req!))
            switch Result(catching: { () throws(Errno) in try gate.opendir(InodeNumber(UInt64(ino)), caller: caller) }) {
            case .success(let (fh, keepListing)): Reply(req!).open(fh, info: fi!, keepCache: keepListing, cacheListing: true)
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.readdir = { req, _, size, offset, fi in
            LowLevelOps.readdir(req!, size: size, offset: offset, fi: fi!, plus: false)
        }
        ops.readdirplus = { req, _, size, offset, fi in
            LowLevelOps.readdir(req!, size: size, offset: offset, fi: fi!, plus: true)
        }
        ops.releasedir = { req, _, fi in
            BridgeContext.of(req!).gate.releasedir(FileHandle(fi!.pointee.fh))
            Reply(req!).ok()
        }
        ops.statfs = { req, ino in
            let gate = BridgeContext.of(req!).gate
            switch Result(catching: { () throws(Errno) in try gate.statfs(InodeNumber(UInt64(ino))) }) {
            case .success(let s): Reply(req!).statfs(s)
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.access = { req, ino, mask in
            let gate = BridgeContext.of(req!).gate
            switch Result(catching: { () throws(Errno) in try gate.access(InodeNumber(UInt64(ino)), mask: mask) }) {
            case .success: Reply(req!).ok()
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.getxattr = { req, ino, cname, size in
            let (gate, caller) = (BridgeContext.of(req!).gate, BridgeContext.caller(req!))
            switch Result(catching: { () throws(Errno) in
                try gate.getxattr(InodeNumber(UInt64(ino)), name: name(cname!), size: size, caller: caller)
            }) {
            case .success(let value): if size == 0 { Reply(req!).xattrSize(value.count) } else { Reply(req!).bytes(value) }
            case .failure(let e): Reply(req!).error(e)
            }
        }
        ops.listxattr = { req, ino, size in
            let gate = BridgeContext.of(req!).gate
            switch Result(catching: { () throws(Errno) in try gate.listxattr(InodeNumber(UInt64(ino))) }) {
            case .success(let list) where size == 0: Reply(req!).xattrSize(list.count)
            case .success(let list) where list.count > size: Reply(req!).error(Errno(rawValue: ERANGE))
            case .success(let list): Reply(req!).bytes(list)
            case .failure(let e): Reply(req!).error(e)
            }
        }
        installWriteRefusals(&ops)
        return ops
    }

    /// Every operation that would change the source answers EROFS.
    private static func installWriteRefusals(_ ops: inout fuse_lowlevel_ops) {
        ops.setattr = { req, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.mknod = { req, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.mkdir = { req, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.unlink = { req, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.rmdir = { req, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.symlink = { req, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.rename = { req, _, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.link = { req, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.write = { req, _, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.write_buf = { req, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.create = { req, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.setxattr = { req, _, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.removexattr = { req, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.fallocate = { req, _, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
        ops.copy_file_range = { req, _, _, _, _, _, _, _, _ in Reply(req!).error(Errno(rawValue: EROFS)) }
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

    private static func readdir(
        _ req: fuse_req_t, size: Int, offset: off_t, fi: UnsafeMutablePointer<fuse_file_info>, plus: Bool
    ) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        var used = 0
        let gate = BridgeContext.of(req).gate
        let caller = BridgeContext.caller(req)
        let result = Result { () throws(Errno) in
            try gate.readdir(
                FileHandle(fi.pointee.fh), offset: Int64(offset), plus: plus, caller: caller
            ) { item, entry, attributes in
                var bytes = item.name
                bytes.append(0)
                let rest = buffer.count - used
                let base = (buffer.baseAddress! + used).assumingMemoryBound(to: CChar.self)
                let needed: Int = bytes.withUnsafeBufferPointer { nameBuf in
                    nameBuf.withMemoryRebound(to: CChar.self) { cname in
                        if plus {
                            var param = fuse_entry_param()
                            if let entry {
                                param.ino = fuse_ino_t(entry.ino.raw)
                                param.attr = stat(entry.attributes)
                                param.attr_timeout = entry.attrTimeout
                                param.entry_timeout = entry.entryTimeout
                            } else if let attributes {
                                param.attr = stat(attributes)
                            }
                            return fuse_add_direntry_plus(req, base, rest, cname.baseAddress, &param, off_t(item.nextOffset))
                        } else {
                            // Plain readdir assigns no node ids; d_ino only has to be
                            // non-zero (readdir(3) users skip zero) and unique here.
                            var st = Glibc.stat()
                            st.st_ino = UInt(attributes?.ino ?? UInt64(item.nextOffset))
                            st.st_mode = UInt32(item.kind.direntType) << 12
                            return fuse_add_direntry(req, base, rest, cname.baseAddress, &st, off_t(item.nextOffset))
                        }
                    }
                }
                if needed > rest { return false }
                used += needed
                return true
            }
        }
        switch result {
        case .success: Reply(req).bytes(UnsafeRawBufferPointer(rebasing: buffer[..<used]))
        case .failure(let e): Reply(req).error(e)
        }
    }
}
