import Foundation
import Gate
import GateAuditFormat
import GateConfig
import GatePolicy
import GateSystem
import Glibc

/// A fully validated description of one mount: every path canonical, the
/// policy compiled. Building it is the only place bad input is rejected,
/// so nothing is mounted unless all of it is right.
struct MountPlan: Sendable {
    let source: String
    let mountpoint: String
    let configFile: String?
    let policy: Policy
    let logPath: String
    let logReads: LogReads
    let logRotateBytes: Int
    let logKeep: Int
    let allowOther: Bool
    let inodeNumbers: InodeNumbers

    var mountOptions: [String] {
        var o = ["ro", "nosuid", "nodev", "default_permissions", "fsname=gatefs", "subtype=gatefs"]
        if allowOther { o.append("allow_other") }
        return o
    }

    static func make(_ options: MountOptions, mountpoint rawMountpoint: String) throws -> MountPlan {
        // Config: --config, else the XDG file if it exists, else none.
        var configFile: String? = nil
        var config = GateConfig()
        if let explicit = options.config {
            configFile = Paths.absolute(explicit)
        } else if FileManager.default.fileExists(atPath: Paths.defaultConfigFile) {
            configFile = Paths.defaultConfigFile
        }
        if let file = configFile {
            do {
                config = try GateConfig.load(file: file, home: Paths.home)
            } catch {
                throw CLIFailure(error.description)
            }
        }

        // --inode-numbers overrides the config's inode_numbers.
        var inodeNumbers = config.inodeNumbers
        if let flag = options.inodeNumbers {
            guard let parsed = InodeNumbers(rawValue: flag) else {
                let choices = InodeNumbers.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or ")
                throw CLIFailure("--inode-numbers must be \(choices), not '\(flag)'")
            }
            inodeNumbers = parsed
        }

        // Source: must be an existing directory.
        // A relative `source` in a config file is relative to that file's
        // directory; one given with --source, to the working directory.
        let sourceAbs: String
        if let flag = options.source {
            sourceAbs = Paths.absolute(flag)
        } else if let fromConfig = config.source, let file = configFile {
            let expanded = Paths.expandTilde(fromConfig)
            sourceAbs = expanded.hasPrefix("/")
                ? Paths.normalize(expanded)
                : Paths.normalize((file as NSString).deletingLastPathComponent + "/" + expanded)
        } else {
            sourceAbs = Paths.home
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: sourceAbs, isDirectory: &isDir) else {
            throw CLIFailure("source directory does not exist: \(sourceAbs)")
        }
        guard isDir.boolValue, let source = Paths.real(sourceAbs) else {
            throw CLIFailure("source is not a directory: \(sourceAbs)")
        }

        // Mountpoint: an existing, empty directory, not the source nor above it.
        let mpAbs = Paths.absolute(rawMountpoint)
        guard let mountpoint = Paths.real(mpAbs) else {
            throw CLIFailure("mountpoint does not exist: \(mpAbs) (create an empty directory first)")
        }
        var mpIsDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: mountpoint, isDirectory: &mpIsDir), mpIsDir.boolValue else {
            throw CLIFailure("mountpoint is not a directory: \(mountpoint)")
        }
        if MountTable.current().contains(where: { $0.mountpoint == mountpoint }) {
            throw CLIFailure("mountpoint is already a mount point: \(mountpoint)")
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: mountpoint) else {
            throw CLIFailure("cannot read mountpoint: \(mountpoint)")
        }
        guard entries.isEmpty else {
            throw CLIFailure("mountpoint is not empty: \(mountpoint)")
        }
        if Paths.relative(source, to: mountpoint) != nil {
            throw CLIFailure("the source \(source) lies inside the mountpoint \(mountpoint)")
        }

        // Log: never inside the view; hidden from it when inside the source.
        let logArg = options.log ?? config.logPath ?? Paths.defaultLogFile
        // ".." would be collapsed lexically before symlinks are followed,
        // which can disagree with where the file really ends up.
        if logArg.split(separator: "/").contains("..") {
            throw CLIFailure("the audit log path must not contain '..': \(logArg)")
        }
        let logPath = Paths.realParent(logArg)
        if Paths.relative(logPath, to: mountpoint) != nil {
            throw CLIFailure("the audit log \(logPath) would lie inside the view \(mountpoint)")
        }

        var hidden: [HiddenPath] = []
        if let rel = Paths.relative(mountpoint, to: source) {
            hidden.append(HiddenPath(path: Array(rel.utf8), reason: "mountpoint", prefixMatch: false))
        }
        if let rel = Paths.relative(logPath, to: source) {
            hidden.append(HiddenPath(path: Array(rel.utf8), reason: "audit-log", prefixMatch: true))
        }

        let extraAllow = try options.allow.map { try compile($0, flag: "--allow") }
        let extraDeny = try options.deny.map { try compile($0, flag: "--deny") }
        let spec: PolicySpec
        do {
            spec = SecretStoreLinks.resolve(
                try config.policySpec(extraAllow: extraAllow, extraDeny: extraDeny, hidden: hidden), source: source)
        } catch {
            throw CLIFailure(error.description)
        }
        return MountPlan(
            source: source, mountpoint: mountpoint, configFile: configFile, policy: Policy(spec),
            logPath: logPath, logReads: config.logReads, logRotateBytes: config.logRotateBytes,
            logKeep: config.logKeep, allowOther: options.allowOther, inodeNumbers: inodeNumbers)
    }

    private static func compile(_ text: String, flag: String) throws -> Pattern {
        do {
            return try Pattern(text)
        } catch {
            throw CLIFailure("\(flag) '\(text)': \(error)")
        }
    }
}
