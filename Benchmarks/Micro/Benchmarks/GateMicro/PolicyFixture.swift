import GateConfig
import GatePolicy

/// A generated policy and the work the benchmarks do against it.
///
/// `userRules` allow and deny patterns (about a fifth of them deny) go
/// through `GateConfig.policySpec`, as `gatefs mount` builds its policy: the
/// built-in secret list is added (so the compiled policy has
/// `userRules` + the list's pattern count), and the mountpoint and audit log
/// are hidden paths inside the source, as with the default locations.
///
/// - `glob`: every rule has a wildcard: `projects/p7/**`, `code/src3/*.swift`,
///   `docs4/**/*.md`, `work/*/reports/r9`, `logs/20[0-2][0-9]/app5-*.log`,
///   `data/??/set2.csv`, `home/*/.config/app1/**`; denies such as
///   `projects/p7/**/*.o`, `**/*.ext3`, `**/build8`.
/// - `literal`: plain paths: `notes/2024/file123.txt`, `projects/p12/module3`,
///   `code/src4/File9.swift`, `docs/area2/page7.md`; denies `cache/c5`,
///   `projects/p12/build`.
///
/// Queries are 1,000 paths of 3 to 6 segments, each naming a file: about half
/// built to fall under a rule (allowed, or denied), a tenth secret stores
/// (`.ssh/id_ed25519`, `…/.env`, `…/server.pem`), the rest near misses and
/// unrelated paths. Steps are 1,000 file names in directories the policy
/// shows, from more paths of the same mix.
struct PolicyFixture: @unchecked Sendable {
    enum Kind: String, CaseIterable {
        case glob, literal
    }

    /// One `Policy.step` as the gate makes it: the parent directory's cursor
    /// (kept per directory inode), the child's name, and whether it is a directory.
    struct Step {
        let cursor: PolicyCursor
        let name: [UInt8]
        let isDirectory: Bool
    }

    static let batch = 1000

    let policy: Policy
    /// Full paths for `Policy.decide`, each a file at its end.
    let paths: [[UInt8]]
    /// File lookups from a shown parent's cursor, the last name of other paths
    /// of the same mix (what a lookup in an already-walked directory costs).
    let steps: [Step]

    init(kind: Kind, userRules: Int) {
        var rng = SplitMix64(seed: 6 &* 1_000_003 &+ UInt64(userRules) &* 31 &+ (kind == .glob ? 1 : 2))
        var allow: [String] = []
        var deny: [String] = []
        var examples: [[String]] = []  // a path under each rule, as segments
        var seen = Set<String>()
        // Index ranges grow with the rule count so that rules share prefixes
        // (many rules under `projects/`) without all being distinct.
        let spread = max(userRules / 8, 4)
        while allow.count + deny.count < userRules {
            let (pattern, example, isDeny) = kind == .glob
                ? Self.globRule(&rng, spread: spread) : Self.literalRule(&rng, spread: spread)
            guard seen.insert(pattern).inserted else { continue }
            if isDeny { deny.append(pattern) } else { allow.append(pattern) }
            examples.append(example)
        }

        var config = GateConfig()
        let policy: Policy
        do {
            config.allow = try allow.map { try Pattern($0) }
            config.deny = try deny.map { try Pattern($0) }
            let spec = try config.policySpec(
                extraAllow: [], extraDeny: [],
                hidden: [
                    HiddenPath(path: "agent-view", reason: "mountpoint", prefixMatch: false),
                    HiddenPath(path: ".local/state/gatefs/access.jsonl", reason: "audit-log", prefixMatch: true),
                ])
            policy = Policy(spec)
        } catch {
            fatalError("generated rules do not compile: \(error)")
        }
        self.policy = policy
        precondition(policy.ruleCount == userRules + BuiltinSecrets.entries.reduce(0) { $0 + $1.patterns.count })

        func makePath() -> [UInt8] {
            var segments: [String]
            let roll = rng.below(100)
            if roll < 50 {
                segments = rng.pick(examples)
            } else if roll < 60 {
                segments = rng.pick(Self.secretPaths)
            } else if roll < 80 {
                segments = Self.nearMiss(&rng, kind: kind, spread: spread)
            } else {
                segments = Self.unrelated(&rng)
            }
            while segments.count < 3 { segments.insert(rng.pick(Self.words), at: segments.count - 1) }
            // Below a covered directory: one more level, a file at the end.
            if segments.count < 6, rng.chance(40) {
                segments.insert(rng.pick(Self.words), at: segments.count - 1)
            }
            precondition((3...6).contains(segments.count), "\(segments)")
            return Array(segments.joined(separator: "/").utf8)
        }

        let paths = (0..<Self.batch).map { _ in makePath() }
        self.paths = paths
        func outcomes(_ decisions: [Decision]) -> (visible: Int, hidden: Int) {
            (decisions.count { $0.visibility == .visible }, decisions.count { $0.visibility == .hidden })
        }
        let decided = outcomes(paths.map { policy.decide($0, isDirectory: false) })

        // Steps: more paths of the same mix, each walked down to its parent
        // directory; kept only if that directory is shown (the gate never looks
        // up a name in a hidden one, it has no cursor for it).
        var steps: [Step] = []
        while steps.count < Self.batch {
            let names = makePath().split(separator: UInt8(ascii: "/")).map { Array($0) }
            var cursor: PolicyCursor? = policy.root
            for name in names.dropLast() {
                cursor = cursor.flatMap { policy.step($0, name: name, isDirectory: true).1 }
            }
            if let cursor { steps.append(Step(cursor: cursor, name: names.last!, isDirectory: false)) }
        }
        self.steps = steps
        let stepped = outcomes(steps.map { policy.step($0.cursor, name: $0.name, isDirectory: false).0 })

        let segments = paths.reduce(0) { $0 + $1.split(separator: UInt8(ascii: "/")).count }
        Facts.record([
            "policy", kind.rawValue, "\(userRules)", "\(policy.ruleCount)", "\(decided.visible)", "\(decided.hidden)",
            "\(Double(segments) / Double(paths.count))", "\(stepped.visible)", "\(stepped.hidden)",
        ])
    }

    // MARK: - rule generators; each returns (pattern, a path it covers, deny?)

    static let words = [
        "src", "lib", "test", "docs", "assets", "config", "data", "notes", "tmp", "misc", "web", "api",
        "cli", "model", "core", "util", "scripts", "vendor", "include", "images", "old", "draft",
    ]
    static let fileNames = [
        "main.c", "README.md", "index.ts", "Package.swift", "notes.txt", "data.json", "Makefile", "util.py",
        "report.pdf", "photo.jpg", "app.log", "config.yaml",
    ]
    static let secretPaths: [[String]] = [
        [".ssh", "id_ed25519"], [".ssh", "known_hosts"], [".aws", "credentials"], [".config", "gh", "hosts.yml"],
        ["projects", "p3", ".env"], ["code", "src2", "server.pem"], [".gnupg", "private-keys-v1.d", "x.key"],
        [".bash_history"], [".docker", "config.json"], [".kube", "config"], ["work", "svc", "deploy", "id_rsa"],
        [".local", "state", "gatefs", "access.jsonl"], [".local", "state", "gatefs", "access.jsonl.1"],
        ["agent-view", "projects", "x.txt"],
    ]

    static func globRule(_ rng: inout SplitMix64, spread: Int) -> (String, [String], Bool) {
        let a = rng.below(spread)
        let w = rng.pick(words)
        let roll = rng.below(100)
        switch roll {
        case 0..<15:
            return ("projects/p\(a)/**", ["projects", "p\(a)", w, rng.pick(fileNames)], false)
        case 15..<30:
            return ("code/src\(a)/*.swift", ["code", "src\(a)", "File\(rng.below(50)).swift"], false)
        case 30..<40:
            return ("docs\(a)/**/*.md", ["docs\(a)", w, rng.pick(words), "page\(rng.below(9)).md"], false)
        case 40..<48:
            return ("work/*/reports/r\(a)", ["work", w, "reports", "r\(a)", "summary.txt"], false)
        case 48..<56:
            return ("logs/20[0-2][0-9]/app\(a)-*.log", ["logs", "20\(10 + rng.below(20))", "app\(a)-\(rng.below(99)).log"], false)
        case 56..<64:
            return ("data/??/set\(a).csv", ["data", "x\(rng.below(10))", "set\(a).csv"], false)
        case 64..<80:
            return ("home/*/.config/app\(a)/**", ["home", "alice", ".config", "app\(a)", "settings.json"], false)
        case 80..<92:
            return ("projects/p\(a)/**/*.o", ["projects", "p\(a)", w, "obj\(rng.below(9)).o"], true)
        case 92..<96:
            return ("**/*.ext\(a)", ["projects", "p\(rng.below(spread))", w, "file.ext\(a)"], true)
        default:
            return ("**/build\(a)", ["code", "src\(rng.below(spread))", "build\(a)", "out.bin"], true)
        }
    }

    static func literalRule(_ rng: inout SplitMix64, spread: Int) -> (String, [String], Bool) {
        let a = rng.below(spread)
        let b = rng.below(20)
        let roll = rng.below(100)
        switch roll {
        case 0..<25:
            let year = 2015 + a % 10
            return ("notes/\(year)/file\(a * 20 + b).txt", ["notes", "\(year)", "file\(a * 20 + b).txt"], false)
        case 25..<50:
            return ("projects/p\(a)/module\(b)", ["projects", "p\(a)", "module\(b)", rng.pick(fileNames)], false)
        case 50..<65:
            return ("code/src\(a)/File\(b).swift", ["code", "src\(a)", "File\(b).swift"], false)
        case 65..<80:
            return ("docs/area\(a)/page\(b).md", ["docs", "area\(a)", "page\(b).md"], false)
        case 80..<90:
            return ("cache/c\(a * 20 + b)", ["cache", "c\(a * 20 + b)", rng.pick(fileNames)], true)
        default:
            return ("projects/p\(a)/build", ["projects", "p\(a)", "build", "out.o"], true)
        }
    }

    /// Paths that share a rule's leading directories but miss it.
    static func nearMiss(_ rng: inout SplitMix64, kind: Kind, spread: Int) -> [String] {
        let a = rng.below(spread * 2)
        switch rng.below(5) {
        case 0: return ["projects", "p\(a)", rng.pick(words), rng.pick(fileNames)]
        case 1: return ["code", "src\(a)", rng.pick(words), "File\(rng.below(99)).c"]
        case 2: return ["notes", "\(2000 + rng.below(40))", "file\(rng.below(99_999)).md"]
        case 3: return [kind == .glob ? "docs\(a)" : "docs", rng.pick(words), "page.txt"]
        default: return ["logs", "19\(rng.below(99))", "app\(a).txt"]
        }
    }

    static func unrelated(_ rng: inout SplitMix64) -> [String] {
        let top = ["Downloads", ".cache", "Music", ".local", "go", ".npm", "Desktop", "snap"]
        var segments = [rng.pick(top)]
        for _ in 0..<(1 + rng.below(4)) { segments.append(rng.pick(words)) }
        segments.append(rng.pick(fileNames))
        return segments
    }
}
