extension AuditChange {
    var eventName: AuditEventName {
        switch self {
        case .create: .create
        case .mkdir: .mkdir
        case .mknod: .mknod
        case .unlink: .unlink
        case .rmdir: .rmdir
        case .rename: .rename
        case .link: .link
        case .symlink: .symlink
        case .setattr: .setattr
        case .setxattr: .setxattr
        case .removexattr: .removexattr
        case .fallocate: .fallocate
        }
    }
}

extension AuditLineEncoder {
    /// The fields of a change line, after its `path`.
    static func appendFields(_ change: AuditChange, to buffer: inout [UInt8]) {
        switch change {
        case .create(let mode, let handle):
            appendMode(mode, to: &buffer)
            buffer.appendKey(.handle)
            buffer.appendDecimal(handle)
        case .mkdir(let mode):
            appendMode(mode, to: &buffer)
        case .mknod(let mode):
            appendMode(mode, to: &buffer)
            buffer.appendKey(.nodeKind)
            JSONText.appendString(nodeKind(mode), to: &buffer)
        case .unlink, .rmdir:
            break
        case .rename(let from, let to, let flags):
            buffer.appendKey(.from)
            AuditPath.appendJSON(from, to: &buffer)
            buffer.appendKey(.to)
            AuditPath.appendJSON(to, to: &buffer)
            if let flags {
                buffer.appendKey(.flags)
                JSONText.appendString(flags, to: &buffer)
            }
        case .link(let target), .symlink(let target):
            buffer.appendKey(.target)
            AuditPath.appendJSON(target, emptyIsRoot: false, to: &buffer)
        case .setattr(let change):
            appendFields(change, to: &buffer)
        case .setxattr(let name, let bytes):
            buffer.appendKey(.name)
            AuditPath.appendJSON(name, emptyIsRoot: false, to: &buffer)
            buffer.appendKey(.bytes)
            buffer.appendDecimal(Int64(bytes))
        case .removexattr(let name):
            buffer.appendKey(.name)
            AuditPath.appendJSON(name, emptyIsRoot: false, to: &buffer)
        case .fallocate(let handle, let offset, let length, let mode):
            buffer.appendKey(.handle)
            buffer.appendDecimal(handle)
            buffer.appendKey(.offset)
            buffer.appendDecimal(offset)
            buffer.appendKey(.length)
            buffer.appendDecimal(length)
            buffer.appendKey(.mode)
            JSONText.appendString(String(mode), to: &buffer)
        }
    }

    private static func appendFields(_ change: AttributeChange, to buffer: inout [UInt8]) {
        if let mode = change.mode { appendMode(mode, to: &buffer) }
        if let size = change.size {
            buffer.appendKey(.size)
            buffer.appendDecimal(size)
        }
        if let time = change.accessTime { appendTime(time, key: .atime, to: &buffer) }
        if let time = change.modificationTime { appendTime(time, key: .mtime, to: &buffer) }
        if let uid = change.uid {
            buffer.appendKey(.ownerUID)
            buffer.appendDecimal(UInt64(uid))
        }
        if let gid = change.gid {
            buffer.appendKey(.ownerGID)
            buffer.appendDecimal(UInt64(gid))
        }
    }

    /// Permission bits as octal text ("0644", "2775"), as chmod takes them.
    private static func appendMode(_ mode: UInt32, to buffer: inout [UInt8]) {
        buffer.appendKey(.mode)
        buffer.append(UInt8(ascii: "\""))
        let bits = mode & 0o7777
        for shift in stride(from: 9, through: 0, by: -3) {
            buffer.append(UInt8(ascii: "0") + UInt8((bits >> UInt32(shift)) & 7))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static func appendTime(_ time: ChangeTime, key: AuditKey, to buffer: inout [UInt8]) {
        buffer.appendKey(key)
        buffer.append(UInt8(ascii: "\""))
        switch time {
        case .now: buffer.appendASCII("now")
        case .at(let t): t.appendRFC3339(to: &buffer)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static func nodeKind(_ mode: UInt32) -> String {
        switch mode & 0o170000 {
        case 0o010000: "fifo"
        case 0o140000: "socket"
        case 0o100000: "file"
        default: "other"
        }
    }
}
