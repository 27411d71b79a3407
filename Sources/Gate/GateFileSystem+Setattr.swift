import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import SystemPackage

/// What a setattr asks to change; nil leaves it alone.
public struct AttributeRequest: Sendable {
    public var mode: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    public var size: UInt64?
    public var accessTime: Sys.TimeSetting?
    public var modificationTime: Sys.TimeSetting?

    public init() {}

    var changesTimes: Bool { accessTime != nil || modificationTime != nil }
}

extension GateFileSystem {
    /// chmod, chown, truncate and utimens of a node inside a grant. The node
    /// is reached as an O_PATH descriptor checked to be the file the kernel
    /// holds and not a secret's identity, and changed through that
    /// descriptor, never by name, so a name swapped on the host is not
    /// followed. The kernel has checked the caller's right to each change
    /// (the mount has `default_permissions`).
    public func setattr(
        _ ino: InodeNumber, _ request: AttributeRequest, handle: FileHandle?, caller: Caller?
    ) throws(Errno) -> (FileStat, Double) {
        guard let rec = table.record(ino) else { throw Errno.noSuchFileOrDirectory }
        try requireWritable(ino, rec, op: "setattr", caller: caller)
        let node = try changeableNode(ino, rec, op: "setattr", caller: caller)
        var change = AttributeChange()
        if request.uid != nil || request.gid != nil {
            try Sys.setOwner(of: node.descriptor, uid: request.uid, gid: request.gid)
            change.uid = request.uid
            change.gid = request.gid
        }
        if let mode = request.mode {
            let granted = GateFileSystem.grantedMode(mode, kind: rec.kind)
            try Sys.setPermissions(of: node.descriptor, granted)
            change.mode = granted
        }
        if let size = request.size {
            try truncate(ino, rec, to: size, handle: handle)
            change.size = size
        }
        if request.changesTimes {
            try setTimes(rec, node: node, request)
            change.accessTime = request.accessTime.flatMap(ChangeTime.init)
            change.modificationTime = request.modificationTime.flatMap(ChangeTime.init)
        }
        audit?.record(.change(.setattr(change)), path: table.path(of: ino), caller: caller)
        let st = try Sys.stat(fd: node.descriptor)
        if rec.kind == .regular { table.noteAttributes(ino, ChangeStamp(st), links: st.nlink) }
        return (attributes(st, as: ino), settings.attrTimeout)
    }

    /// The node as an O_PATH descriptor, checked; a secret's identity is
    /// refused as if the name were missing.
    private func changeableNode(_ ino: InodeNumber, _ rec: InodeRecord, op: String, caller: Caller?) throws(Errno) -> OwnedFD {
        if ino == .root { return table.rootFD }
        let (fd, st) = try reopen(rec, in: try directoryFD(rec.parent), as: .node)
        if let rule = secrets.rule(for: st) {
            throw refusal(op: op, rule: rule, path: table.path(of: ino), caller: caller, errno: .noSuchFileOrDirectory)
        }
        return fd
    }

    /// ftruncate through the caller's handle when it is open for writing,
    /// else through a write-only descriptor re-opened and checked.
    private func truncate(_ ino: InodeNumber, _ rec: InodeRecord, to size: UInt64, handle: FileHandle?) throws(Errno) {
        guard rec.kind == .regular else { throw rec.kind == .directory ? Errno.isDirectory : Errno.invalidArgument }
        if let handle, let file = handles.file(handle), file.writable {
            try Sys.truncate(file.fd.descriptor, to: Int(size))
            return
        }
        let (fd, _) = try reopen(rec, in: try directoryFD(rec.parent), as: .writableFile(.writeOnly, append: false))
        try Sys.truncate(fd.descriptor, to: Int(size))
    }

    /// A symlink's own times are set by name (no descriptor of a symlink
    /// can be written through); anything else's through its descriptor.
    private func setTimes(_ rec: InodeRecord, node: OwnedFD, _ request: AttributeRequest) throws(Errno) {
        let access = request.accessTime ?? .omit
        let modification = request.modificationTime ?? .omit
        if rec.kind == .symlink {
            try Sys.setTimes(of: try directoryFD(rec.parent).descriptor, name: rec.name, access: access, modification: modification)
        } else {
            try Sys.setTimes(of: node.descriptor, access: access, modification: modification)
        }
    }

    /// setxattr inside a grant, for `user.*` only: `security.*` and
    /// `trusted.*` (labels, capabilities, overlay metadata) answer EPERM and
    /// are logged as denials; any other namespace answers EOPNOTSUPP, as a
    /// file system without them would, unlogged: cp -a and sed -i try
    /// `system.posix_acl_access` on every file they write.
    public func setxattr(
        _ ino: InodeNumber, name: [UInt8], value: UnsafeRawBufferPointer, flags: Int32, caller: Caller?
    ) throws(Errno) {
        let fd = try xattrTarget(ino, name: name, op: "setxattr", caller: caller)
        try Sys.setxattr(fd.descriptor, name, value, flags: flags)
        audit?.record(.change(.setxattr(name: name, bytes: value.count)), path: table.path(of: ino), caller: caller)
    }

    public func removexattr(_ ino: InodeNumber, name: [UInt8], caller: Caller?) throws(Errno) {
        let fd = try xattrTarget(ino, name: name, op: "removexattr", caller: caller)
        try Sys.removexattr(fd.descriptor, name)
        audit?.record(.change(.removexattr(name: name)), path: table.path(of: ino), caller: caller)
    }

    private func xattrTarget(_ ino: InodeNumber, name: [UInt8], op: String, caller: Caller?) throws(Errno) -> OwnedFD {
        guard let rec = table.record(ino) else { throw Errno.noSuchFileOrDirectory }
        try requireWritable(ino, rec, op: op, caller: caller)
        guard name.starts(with: Array("user.".utf8)) else {
            let privileged = name.starts(with: Array("security.".utf8)) || name.starts(with: Array("trusted.".utf8))
            guard privileged else { throw Errno.notSupported }
            throw refusal(op: op, rule: "xattr-namespace", path: table.path(of: ino), caller: caller, errno: .notPermitted)
        }
        guard rec.kind == .regular || rec.kind == .directory else { throw Errno.notPermitted }
        let fd = try readableFD(ino)
        if rec.kind == .regular, let rule = secrets.rule(for: try Sys.stat(fd: fd.descriptor)) {
            throw refusal(op: op, rule: rule, path: table.path(of: ino), caller: caller, errno: .noSuchFileOrDirectory)
        }
        return fd
    }
}

extension ChangeTime {
    /// nil for `.omit`, a time left alone.
    init?(_ setting: Sys.TimeSetting) {
        switch setting {
        case .omit: return nil
        case .now: self = .now
        case .at(let seconds, let nanoseconds):
            self = .at(AuditTime(microseconds: seconds * 1_000_000 + Int64(nanoseconds / 1000)))
        }
    }
}
