import CFuse
import Gate
import GateAuditFormat
import GateSystem
import Glibc
import SystemPackage

/// The ops that change the source. The gate answers each with EROFS
/// outside a write grant (and, without any grant, the kernel mount is `ro`
/// and refuses them before they get here).
extension LowLevelOps {
    /// create, write, fallocate, fsync, fsyncdir, copy_file_range.
    static func installFileWriteOps(_ ops: inout fuse_lowlevel_ops) {
        ops.create = { req, parent, cname, mode, fi in
            Reply.answer(req) { r throws(Errno) in
                let flags = OpenFlags(openFlags: fi!.pointee.flags)
                let (entry, opened) = try r.gate.create(
                    InodeNumber(parent), CName.bytes(cname!), mode: UInt32(mode), flags: flags, caller: r.caller)
                return .created(entry, opened, info: fi!)
            }
        }
        ops.write_buf = { req, _, bufv, offset, fi in
            Reply.answer(req) { r throws(Errno) in
                let size = gatefs_buf_size(bufv!)
                let count = try r.gate.write(FileHandle(fi!.pointee.fh), offset: Int64(offset), size: size, caller: r.caller) {
                    fd, at throws(Errno) in
                    try Syscall.check { gatefs_write_buf(bufv, fd.rawValue, off_t(at)) }
                }
                return .written(count)
            }
        }
        ops.fallocate = { req, _, mode, offset, length, fi in
            Reply.answer(req) { r throws(Errno) in
                try r.gate.fallocate(
                    FileHandle(fi!.pointee.fh), mode: mode, offset: Int64(offset), length: Int64(length), caller: r.caller)
                return .ok
            }
        }
        ops.fsync = { req, _, datasync, fi in
            Reply.answer(req) { r throws(Errno) in
                try r.gate.fsync(FileHandle(fi!.pointee.fh), dataOnly: datasync != 0)
                return .ok
            }
        }
        ops.fsyncdir = { req, _, datasync, fi in
            Reply.answer(req) { r throws(Errno) in
                try r.gate.fsyncdir(FileHandle(fi!.pointee.fh), dataOnly: datasync != 0)
                return .ok
            }
        }
        // No flush op: writes go straight to the source, so a close has
        // nothing to flush. libfuse answers the first FLUSH with ENOSYS, which
        // the kernel takes as success and then stops sending, so close(2)
        // costs no extra round trip, for readers either.
        // ENOSYS makes the kernel copy through read and write requests,
        // each of which the audit log records; EROFS would fail cp(1).
        ops.copy_file_range = { req, _, _, _, _, _, _, _, _ in
            Reply.answer(req) { _ throws(Errno) in throw Errno(rawValue: ENOSYS) }
        }
    }

    /// mkdir, mknod, symlink, link, unlink, rmdir, rename.
    static func installTreeOps(_ ops: inout fuse_lowlevel_ops) {
        ops.mkdir = { req, parent, cname, mode in
            Reply.answer(req) { r throws(Errno) in
                .entry(try r.gate.mkdir(InodeNumber(parent), CName.bytes(cname!), mode: UInt32(mode), caller: r.caller))
            }
        }
        ops.mknod = { req, parent, cname, mode, _ in
            Reply.answer(req) { r throws(Errno) in
                .entry(try r.gate.mknod(InodeNumber(parent), CName.bytes(cname!), mode: UInt32(mode), caller: r.caller))
            }
        }
        ops.symlink = { req, link, parent, cname in
            Reply.answer(req) { r throws(Errno) in
                .entry(try r.gate.symlink(CName.bytes(link!), InodeNumber(parent), CName.bytes(cname!), caller: r.caller))
            }
        }
        ops.link = { req, ino, parent, cname in
            Reply.answer(req) { r throws(Errno) in
                .entry(try r.gate.link(InodeNumber(ino), to: InodeNumber(parent), CName.bytes(cname!), caller: r.caller))
            }
        }
        ops.unlink = { req, parent, cname in
            Reply.answer(req) { r throws(Errno) in
                try r.gate.unlink(InodeNumber(parent), CName.bytes(cname!), caller: r.caller)
                return .ok
            }
        }
        ops.rmdir = { req, parent, cname in
            Reply.answer(req) { r throws(Errno) in
                try r.gate.rmdir(InodeNumber(parent), CName.bytes(cname!), caller: r.caller)
                return .ok
            }
        }
        ops.rename = { req, parent, cname, newParent, newName, flags in
            Reply.answer(req) { r throws(Errno) in
                let mode: Sys.RenameMode
                switch flags {
                case 0: mode = .replace
                case 1: mode = .noReplace   // RENAME_NOREPLACE
                case 2: mode = .exchange    // RENAME_EXCHANGE
                default: throw Errno.invalidArgument   // RENAME_WHITEOUT is overlayfs's own
                }
                try r.gate.rename(
                    InodeNumber(parent), CName.bytes(cname!), to: InodeNumber(newParent), CName.bytes(newName!),
                    mode: mode, caller: r.caller)
                return .ok
            }
        }
    }

    /// setattr, setxattr, removexattr.
    static func installAttributeWriteOps(_ ops: inout fuse_lowlevel_ops) {
        ops.setattr = { req, ino, attr, toSet, fi in
            Reply.answer(req) { r throws(Errno) in
                let request = AttributeRequest(attr!.pointee, toSet: toSet)
                let handle = fi.map { FileHandle($0.pointee.fh) }
                let (st, timeout) = try r.gate.setattr(InodeNumber(ino), request, handle: handle, caller: r.caller)
                return .attributes(st, timeout: timeout)
            }
        }
        ops.setxattr = { req, ino, cname, value, size, flags in
            Reply.answer(req) { r throws(Errno) in
                try r.gate.setxattr(
                    InodeNumber(ino), name: CName.bytes(cname!), value: UnsafeRawBufferPointer(start: value, count: size),
                    flags: flags, caller: r.caller)
                return .ok
            }
        }
        ops.removexattr = { req, ino, cname in
            Reply.answer(req) { r throws(Errno) in
                try r.gate.removexattr(InodeNumber(ino), name: CName.bytes(cname!), caller: r.caller)
                return .ok
            }
        }
    }
}

extension AttributeRequest {
    /// Decodes setattr's `stat` and `to_set` mask.
    init(_ attr: Glibc.stat, toSet: Int32) {
        self.init()
        if toSet & gatefs_SET_ATTR_MODE != 0 { mode = UInt32(attr.st_mode) }
        if toSet & gatefs_SET_ATTR_UID != 0 { uid = UInt32(attr.st_uid) }
        if toSet & gatefs_SET_ATTR_GID != 0 { gid = UInt32(attr.st_gid) }
        if toSet & gatefs_SET_ATTR_SIZE != 0 { size = UInt64(attr.st_size) }
        if toSet & gatefs_SET_ATTR_ATIME_NOW != 0 {
            accessTime = .now
        } else if toSet & gatefs_SET_ATTR_ATIME != 0 {
            accessTime = .at(seconds: Int64(attr.st_atim.tv_sec), nanoseconds: UInt32(attr.st_atim.tv_nsec))
        }
        if toSet & gatefs_SET_ATTR_MTIME_NOW != 0 {
            modificationTime = .now
        } else if toSet & gatefs_SET_ATTR_MTIME != 0 {
            modificationTime = .at(seconds: Int64(attr.st_mtim.tv_sec), nanoseconds: UInt32(attr.st_mtim.tv_nsec))
        }
    }
}
