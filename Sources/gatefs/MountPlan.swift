import Foundation
import Gate
import GateAuditFormat
import GateConfig
import GatePolicy
import GateSystem
import GateVocabulary

/// A fully validated description of one mount: every path canonical, the
/// policy compiled. Building it is the only place bad input is rejected,
/// so nothing is mounted unless all of it is right.
struct MountPlan: Sendable {
    let source: String
    let mountpoint: String
    let configFile: String?
    let policy: Policy
    let logPath: String
    let logReads: ReadLogging
    let logRotateBytes: Int
    let logKeep: Int
    let allowOther: Bool
    let inodeNumbers: InodeNumbering
    /// Where the daemon's diagnostics go; nil without --debug.
    let debug: DebugTarget?

    /// The patterns that grant write, as written (for status and the mount line).
    var writeGrants: [String] { policy.spec.write.map(\.text) }

    /// Read-write at the kernel only when some rule grants write: without
    /// a grant the kernel itself refuses every change with EROFS.
    var mountOptions: [String] {
        var o = [policy.grantsWrite ? "rw" : "ro", "nosuid", "nodev", "default_permissions", "fsname=gatefs", "subtype=gatefs"]
        if allowOther { o.append("allow_other") }
        return o
    }

    /// Each input in the order a user meets the problems: the config, the
    /// flags, the source, the mountpoint, the logs, then the rules.
    static func make(_ options: MountOptions, mountpoint rawMountpoint: String, foreground: Bool) throws -> MountPlan {
        let (configFile, config) = try loadConfig(options.config)
        let inodeNumbers = try inodeNumbering(options.inodeNumbers) ?? config.inodeNumbers
        let source = try sourceDirectory(options.source, config: config, configFile: configFile)
        let mountpoint = try emptyMountpoint(rawMountpoint, source: source)
        let logPath = try logFile(options.log ?? config.logPath ?? Paths.defaultLogFile, named: "the audit log")
        let debug = try debugTarget(options, foreground: foreground)
        let layout = MountLayout(source: source, mountpoint: mountpoint, logPath: logPath, debugLog: debug?.file)
        try layout.validate()
        return MountPlan(
            source: source, mountpoint: mountpoint, configFile: configFile,
            policy: try compilePolicy(options, config: config, layout: layout),
            logPath: logPath, logReads: config.logReads, logRotateBytes: config.logRotateBytes,
            logKeep: config.logKeep, allowOther: options.allowOther, inodeNumbers: inodeNumbers, debug: debug)
    }

    /// --config, else the XDG file if it exists, else none: the built-in defaults.
    private static func loadConfig(_ flag: String?) throws -> (file: String?, config: GateConfig) {
        let fallback = Paths.defaultConfigFile
        guard let file = flag.map(Paths.absolute) ?? (FileManager.default.fileExists(atPath: fallback) ? fallback : nil)
        else { return (nil, GateConfig()) }
        do {
            return (file, try GateConfig.load(file: file, home: Paths.home))
        } catch {
            throw CLIFailure(error.description)
        }
    }

    /// --inode-numbers, which overrides the config's inode_numbers.
    private static func inodeNumbering(_ flag: String?) throws -> InodeNumbering? {
        guard let flag else { return nil }
        guard let parsed = InodeNumbering(rawValue: flag) else {
            throw CLIFailure("--inode-numbers must be \(InodeNumbering.choices(quotedWith: "'")), not '\(flag)'")
        }
        return parsed
    }

    /// An existing directory. A relative `source` in a config file is
    /// relative to that file's directory; one given with --source, to the
    /// working directory. (The config's `~` is already expanded.)
    private static func sourceDirectory(_ flag: String?, config: GateConfig, configFile: String?) throws -> String {
        let sourceAbs: String
        if let flag {
            sourceAbs = Paths.absolute(flag)
        } else if let fromConfig = config.source, let file = configFile {
            sourceAbs = fromConfig.hasPrefix("/")
                ? Paths.normalize(fromConfig)
                : Paths.normalize((file as NSString).deletingLastPathComponent + "/" + fromConfig)
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
        return source
    }

    /// An existing, empty directory that is not yet a mount point, and
    /// neither the source nor above it.
    private static func emptyMountpoint(_ raw: String, source: String) throws -> String {
        let mpAbs = Paths.absolute(raw)
        guard let mountpoint = Paths.real(mpAbs) else {
            throw CLIFailure("mountpoint does not exist: \(mpAbs) (create an empty directory first)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: mountpoint, isDirectory: &isDir), isDir.boolValue else {
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
        return mountpoint
    }

    /// A log file's canonical path; its directory may not exist yet.
    private static func logFile(_ path: String, named name: String) throws -> String {
        // ".." would be collapsed lexically before symlinks are followed,
        // which can disagree with where the file really ends up.
        if path.split(separator: "/").contains("..") {
            throw CLIFailure("\(name) path must not contain '..': \(path)")
        }
        return Paths.realParent(path)
    }

    /// --debug-log FILE, else stderr for --debug in the foreground. A
    /// background daemon has no stderr once the view is live.
    private static func debugTarget(_ options: MountOptions, foreground: Bool) throws -> DebugTarget? {
        if let file = options.debugLog { return .file(try logFile(file, named: "the debug log")) }
        guard options.debug else { return nil }
        guard foreground else {
            throw CLIFailure("--debug without --foreground needs --debug-log FILE: the daemon in the background has no stderr")
        }
        return .standardError
    }

    private static func compilePolicy(_ options: MountOptions, config: GateConfig, layout: MountLayout) throws -> Policy {
        let extraAllow = try options.allow.map { try compile($0, flag: "--allow") }
        let extraWrite = try options.allowWrite.map { try compile($0, flag: "--allow-write") }
        let extraDeny = try options.deny.map { try compile($0, flag: "--deny") }
        do {
            let spec = try config.policySpec(
                extraAllow: extraAllow, extraWrite: extraWrite, extraDeny: extraDeny, hidden: layout.hidden)
            return Policy(SecretStoreLinks.resolve(spec, source: layout.source))
        } catch {
            throw CLIFailure(error.description)
        }
    }

    private static func compile(_ text: String, flag: String) throws -> Pattern {
        do {
            return try Pattern(text)
        } catch {
            throw CLIFailure("\(flag) '\(text)': \(error)")
        }
    }
}
