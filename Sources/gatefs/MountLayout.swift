import GatePolicy

/// Where one mount's paths lie, all canonical: the view, its source, and
/// gatefs's own files (the audit log and the debug log), which must stay
/// out of the view and are hidden from it when they lie inside the source.
struct MountLayout {
    let source: String
    let mountpoint: String
    let logPath: String
    let debugLog: String?

    /// The rules between the paths; each input was checked on its own already.
    func validate() throws {
        if Paths.relative(logPath, to: mountpoint) != nil {
            throw CLIFailure("the audit log \(logPath) would lie inside the view \(mountpoint)")
        }
        guard let debugLog else { return }
        if Paths.relative(debugLog, to: mountpoint) != nil {
            throw CLIFailure("the debug log \(debugLog) would lie inside the view \(mountpoint)")
        }
        // The audit log's rotations share its name as a prefix (access.jsonl.1).
        if debugLog.hasPrefix(logPath) {
            throw CLIFailure("the debug log \(debugLog) would mix with the audit log's files (\(logPath)*)")
        }
    }

    /// What the view hides for gatefs's own sake.
    var hidden: [HiddenPath] {
        var hidden: [HiddenPath] = []
        if let rel = Paths.relative(mountpoint, to: source) {
            hidden.append(HiddenPath(path: rel, reason: "mountpoint", prefixMatch: false))
        }
        if let rel = Paths.relative(logPath, to: source) {
            hidden.append(HiddenPath(path: rel, reason: "audit-log", prefixMatch: true))
        }
        if let debugLog, let rel = Paths.relative(debugLog, to: source) {
            hidden.append(HiddenPath(path: rel, reason: "debug-log", prefixMatch: false))
        }
        return hidden
    }
}
