import Crypto
import Foundation
import FuseBridge
import Gate
import GateAuditFormat
import GateAuditWriter
import GatePolicy
import GateSystem
import Glibc

/// Serves one mount in this process until it is unmounted or signalled.
enum Daemon {
    /// Mounts and serves `plan`. `ready` is told once the mount answers
    /// requests, or why it failed before that.
    static func serve(_ plan: MountPlan, ready: ReadyChannel) throws {
        let audit: AuditLog
        do {
            audit = try AuditLog.open(AuditConfig(
                path: plan.logPath, reads: plan.logReads == .summary ? .summary : .all,
                rotateBytes: plan.logRotateBytes, keep: plan.logKeep))
        } catch {
            throw CLIFailure("cannot open the audit log \(plan.logPath): \(error)", code: CLIFailure.failed)
        }
        var settings = GateSettings(source: plan.source, policy: plan.policy)
        switch plan.inodeNumbers {
        case .source: settings.inodeNumbers = .source
        case .private: settings.inodeNumbers = .private
        }
        let logFiles = audit.fileIdentities
        settings.isAuditFile = { logFiles.contains(dev: $0.dev, ino: $0.ino) }
        settings.owner = { caller in
            let process = audit.process(of: caller.pid)
            return HandleOwner(process: process.tgid ?? caller.pid, container: process.container, uid: caller.uid)
        }
        settings = settings.fitting(descriptorLimit: raiseDescriptorLimit())
        let gate: GateFileSystem
        do {
            gate = try GateFileSystem(settings: settings, mountpoint: plan.mountpoint, audit: audit)
        } catch {
            throw CLIFailure("cannot open the source \(plan.source): \(error)", code: CLIFailure.failed)
        }
        let info = MountInfo(
            source: plan.source, mountpoint: plan.mountpoint, options: plan.mountOptions,
            policyDigest: digest(plan.policy), rules: plan.policy.ruleCount)
        audit.record(.mount(info), path: [UInt8(ascii: ".")], caller: nil)

        let state = RuntimeState(
            mountpoint: plan.mountpoint, source: plan.source, pid: getpid(), log: plan.logPath,
            rules: plan.policy.ruleCount, allowOther: plan.allowOther, started: Date())
        defer { RuntimeState.remove(for: plan.mountpoint) }
        let options = FuseSession.Options(mountOptions: plan.mountOptions)
        do {
            try FuseSession.serve(gate, on: plan.mountpoint, options: options) {
                try? state.save()
                ready.succeed()
            }
        } catch {
            gate.releaseAll()
            audit.close(final: .unmount(info))
            throw CLIFailure("\(error)", code: CLIFailure.failed)
        }
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
