/// Every key a log line can hold, named once: the encoder writes these
/// names (`Array.appendKey`) and the reader's `AuditRecord` decodes by them
/// (it uses this type as its `CodingKeys`, so each case is also the name of
/// the record's property for that key).
///
/// README.md ("The audit log") documents what each key means per event.
public enum AuditKey: String, CodingKey, CaseIterable, Sendable {
    // Every line.
    case time, event, path, pid, uid, gid, process, container
    // mount / unmount (`write` only when some pattern grants write)
    case source, mountpoint, options, policy, rules, write
    // open / read / close / opendir
    case flags, handle, result, offset, size, bytes, reads
    // deny
    case op, rule, errno
    // readdir
    case entries
    // backpressure
    case waitedMicroseconds = "waited_us", blocked, maxWaitMicroseconds = "max_us"
    // recover
    case torn, tornBytes = "torn_bytes"
    // deny lines that carry a count of repeats
    case repeatCount = "repeat", firstRepeat = "first", lastRepeat = "last"
    // xattr, setxattr, removexattr
    case name
    // close of a handle open for writing
    case writes, written
    // create, mkdir, mknod, setattr: `mode` is octal text; mknod's `kind`
    case mode, nodeKind = "kind"
    // rename, link, symlink
    case from, to, target
    // setattr (`size` too); the owner set, not the caller
    case atime, mtime, ownerUID = "owner_uid", ownerGID = "owner_gid"
    // fallocate
    case length
    // header
    case format, start, previousHash = "prev_hash"
    // rotate
    case file, lastSeq = "last_seq", lastHash = "last_hash"
    // The chain's fields, last on every line (see `AuditChain`).
    case seq, hash
}
