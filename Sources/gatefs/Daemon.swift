import Crypto
import Foundation
import FuseBridge
import Gate
import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import Glibc
import Logging

/// Serves one mount in this process until it is unmounted or signalled.
enum Daemon {
    /// Mounts and serves `plan`. `ready` is told once the mount answers
    /// requests, or why it failed before that.
    static func serve(_ plan: MountPlan, ready: ReadyChannel, diagnostics: Diagnostics) throws {
        let log = diagnostics.log
        log.debug("mount plan", metadata: plan.summary)
        log.debug("policy", metadata: plan.policySummary)
        let audit = try openAudit(plan)
        let gate = try openGate(plan, settings: settings(plan, audit: audit, log: log), audit: audit)
        let secrets = gate.secretScanCounts
        log.debug("secret scan", metadata: [
            "fixed_paths": "\(secrets.fixedPaths)", "stores": "\(secrets.stores)", "files": "\(secrets.files)",
        ])
        let info = MountInfo(
            source: plan.source, mountpoint: plan.mountpoint, options: plan.mountOptions,
            policyDigest: digest(plan.policy), rules: plan.policy.ruleCount, write: plan.writeGrants)
        audit.record(.mount(info), path: [UInt8(ascii: ".")], caller: nil)

        let state = RuntimeState(
            mountpoint: plan.mountpoint, source: plan.source, pid: getpid(), log: plan.logPath,
            rules: plan.policy.ruleCount, write: plan.writeGrants, allowOther: plan.allowOther, started: Date())
        defer { RuntimeState.remove(for: plan.mountpoint) }
        let options = FuseSession.Options(mountOptions: plan.mountOptions)
        log.debug("session starting", metadata: ["threads": "\(options.maxThreads)", "max_read": "\(options.maxRead)"])
        do {
            try FuseSession.serve(gate, on: plan.mountpoint, options: options) {
                do {
                    try state.save()
                } catch {
                    log.debug("runtime state not saved: status will not list this mount", metadata: ["error": "\(error)"])
                }
                log.debug("session started", metadata: ["pid": "\(getpid())", "mountpoint": "\(plan.mountpoint)"])
                ready.succeed(standardErrorTo: diagnostics.file?.descriptor)
            }
        } catch {
            finish(gate, audit: audit, info: info)
            log.debug("session stopped", metadata: ["error": "\(error)"])
            throw CLIFailure("\(error)", code: CLIFailure.failed)
        }
        finish(gate, audit: audit, info: info)
        log.debug("session stopped")
    }

    private static func openAudit(_ plan: MountPlan) throws -> AuditLog {
        do {
            return try AuditLog.open(AuditConfig(
                path: plan.logPath, reads: plan.logReads, rotateBytes: plan.logRotateBytes, keep: plan.logKeep))
        } catch {
            throw CLIFailure("cannot open the audit log \(plan.logPath): \(error)", code: CLIFailure.failed)
        }
    }

    /// The gate's settings, with caps and caches sized to the descriptor limit.
    private static func settings(_ plan: MountPlan, audit: AuditLog, log: Logger) -> GateSettings {
        var settings = GateSettings(source: plan.source, policy: plan.policy)
        settings.inodeNumbers = plan.inodeNumbers
        let logFiles = audit.fileIdentities
        settings.isAuditFile = { logFiles.contains(dev: $0.dev, ino: $0.ino) }
        settings.owner = { caller in
            let process = audit.process(of: caller.pid)
            return HandleOwner(process: process.tgid ?? caller.pid, container: process.container, uid: caller.uid)
        }
        let limit = raiseDescriptorLimit()
        settings = settings.fitting(descriptorLimit: limit)
        let caps = settings.handleCaps
        log.debug("descriptors", metadata: [
            "limit": "\(limit)", "directory_cache": "\(settings.directoryFDCapacity)",
            "handles": "\(caps.total)", "per_process": "\(caps.perProcess)",
            "per_container": "\(caps.perContainer)", "per_user": "\(caps.perUser)",
            "reserved": "\(GateSettings.reservedDescriptors)",
        ])
        return settings
    }

    private static func openGate(_ plan: MountPlan, settings: GateSettings, audit: AuditLog) throws -> GateFileSystem {
        // The kernel applies the caller's umask to every mode it passes on
        // (create, mkdir, mknod); the daemon's own must not mask them again.
        // Its own files (the log, its lock) are made with explicit 0600.
        if settings.policy.grantsWrite { Sys.setUmask(0) }
        do {
            return try GateFileSystem(settings: settings, mountpoint: plan.mountpoint, audit: audit)
        } catch {
            throw CLIFailure("cannot open the source \(plan.source): \(error)", code: CLIFailure.failed)
        }
    }

    private static func finish(_ gate: GateFileSystem, audit: AuditLog, info: MountInfo) {
        gate.releaseAll()
        audit.close(final: .unmount(info))
    }

    /// Raises the soft RLIMIT_NOFILE to the hard one and returns it: the
    /// caps and caches are sized to fit under it.
    private static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(min(limit.rlim_cur, UInt(Int32.max)))
    }

    static func digest(_ policy: Policy) -> String {
        let hash = SHA256.hash(data: Data(policy.canonicalText.utf8))
        return "sha256:" + hash.map { String(format: "%02x", $0) }.joined()
    }
}
