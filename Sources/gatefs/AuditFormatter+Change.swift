import GateAuditFormat
import GateAuditReader

extension AuditFormatter {
    /// What a change line adds to its path: `create`'s mode and handle,
    /// `rename`'s destination, `setattr`'s fields. `unlink` and `rmdir`
    /// (and events that are not changes) add nothing.
    func changeDetails(_ r: AuditRecord) -> String {
        let handle = r.handle.map { "h\($0)" } ?? ""
        switch r.kind {
        case .create:
            return "\(Self.sanitize(r.mode ?? "?")) \(handle)"
        case .mkdir:
            return Self.sanitize(r.mode ?? "?")
        case .mknod:
            return "\(Self.sanitize(r.nodeKind ?? "?")) \(Self.sanitize(r.mode ?? "?"))"
        case .rename:
            return "→ \(Self.sanitize(r.to ?? "?"))" + (r.flags.map { " (\(Self.sanitize($0)))" } ?? "")
        case .link:
            return "hard link to \(Self.sanitize(r.target ?? "?"))"
        case .symlink:
            return "→ \(Self.sanitize(r.target ?? "?"))"
        case .setattr:
            return attributeDetails(r)
        case .removexattr:
            return Self.sanitize(r.name ?? "?")
        case .fallocate:
            var text = "\(handle) \(Self.humanBytes(r.length ?? 0)) at \(r.offset ?? 0)"
            if let mode = r.mode, mode != "0" { text += " (mode \(Self.sanitize(mode)))" }
            return text
        default:
            return ""
        }
    }

    /// `mode 0644, size 0, atime now, mtime 2026-11-23 09:01:02.000, uid 1000, gid 1000`: the fields set.
    private func attributeDetails(_ r: AuditRecord) -> String {
        let fields: [String?] = [
            r.mode.map { "mode " + Self.sanitize($0) },
            r.size.map { "size \($0)" },
            r.atime.map { "atime " + changeTimeText($0) },
            r.mtime.map { "mtime " + changeTimeText($0) },
            r.ownerUID.map { "uid \($0)" },
            r.ownerGID.map { "gid \($0)" },
        ]
        return fields.compactMap { $0 }.joined(separator: ", ")
    }

    /// "now", or the time in the formatter's zone.
    private func changeTimeText(_ text: String) -> String {
        AuditTime(rfc3339: text).map(timeText) ?? Self.sanitize(text)
    }
}
