import Logging

extension MountPlan {
    /// The plan as the daemon's diagnostics show it.
    var summary: Logger.Metadata {
        [
            "source": "\(source)", "mountpoint": "\(mountpoint)", "config": "\(configFile ?? "none")",
            "audit_log": "\(logPath)", "reads": "\(logReads.rawValue)", "rotate_bytes": "\(logRotateBytes)",
            "keep": "\(logKeep)", "inode_numbers": "\(inodeNumbers.rawValue)",
            "options": "\(mountOptions.joined(separator: ","))",
        ]
    }

    /// How many rules of each kind the compiled policy holds.
    var policySummary: Logger.Metadata {
        let spec = policy.spec
        return [
            "rules": "\(policy.ruleCount)", "allow": "\(spec.allow.count)", "write": "\(spec.write.count)", "deny": "\(spec.deny.count)",
            "secret_entries": "\(spec.secrets.count)", "secret_patterns": "\(spec.secrets.map(\.patterns.count).reduce(0, +))",
            "secret_except": "\(spec.secretExcept.count)", "hidden": "\(spec.hidden.count)",
            "digest": "\(Daemon.digest(policy))",
        ]
    }
}
