import Foundation
import GatePolicy
import Testing
@testable import GateConfig

/// The shipped list as BuiltinMatching compiles it: every entry at any
/// depth, ASCII case folded, with editor and backup variants; user rules
/// and `[secrets] except` patterns unchanged.
@Suite struct BuiltinSecretsAnyDepthTests {
    /// A file inside (or being) each entry's store, for every pattern of it.
    static let samples: [(entry: String, path: String)] = [
        ("ssh", ".ssh/config"), ("gnupg", ".gnupg/pubring.kbx"), ("pki", ".pki/nssdb/cert9.db"),
        ("private-key", "id_rsa"), ("private-key", "id_dsa"), ("private-key", "id_ecdsa"),
        ("private-key", "id_ed25519"), ("private-key", "id_ecdsa_sk"), ("private-key", "id_ed25519_sk"),
        ("private-key", "id_rsa_github"), ("private-key", "id_dsa_old"), ("private-key", "id_ecdsa_work"),
        ("private-key", "id_ed25519_work"), ("private-key", "id_rsa-deploy"), ("private-key", "id_ed25519-ci"),
        ("private-key", "id_rsa2"), ("private-key", "id_rsa.swo"), ("private-key", ".id_rsa.swo"),
        ("private-key", ".id_rsa.un~"), ("private-key", "id_rsa.~1~"), ("private-key", "id_rsa.save"),
        ("private-key", "id_rsa.tmp"), ("private-key", "id_rsa.1"), ("private-key", "id_rsa.backup"),
        ("private-key", "id_rsa.dpkg-old"), ("private-key", "id_rsa copy"), ("private-key", "id_rsa-"),
        ("private-key", "id_rsa."), ("private-key", "id_rsa "),
        ("private-key", "Copy of id_rsa"), ("private-key", "id_rsa.bkp"), ("private-key", "id_rsa.sav"),
        ("private-key", "id_rsa.previous"), ("private-key", "id_rsa.last"), ("private-key", "id_rsa.keep"),
        ("private-key", "id_rsa.disabled"), ("private-key", "id_rsa.off"), ("private-key", "id_rsa.cp"),
        ("private-key", "id_rsa.ori"), ("private-key", "id_rsa.swm"), ("private-key", ".id_rsa.swm"),
        ("private-key", "id_rsa,v"), ("private-key", "id_rsa.gz"), ("private-key", "id_rsa.tar"),
        ("private-key", "id_rsa.zip"), ("private-key", "id_rsa\n"), ("private-key", "id_rsa\t"),
        ("ssh", "Copy of .ssh/id_x"),
        ("netrc", ".netrc.swo"), ("netrc", ".netrc.~1~"), ("aws", ".s3cfg"), ("gcloud", ".boto"),
        ("terraform", ".terraformrc"), ("terraform", "terraform.rc"), ("env", ".env_prod"), ("env", ".env "),
        ("history", ".zhistory"), ("history", ".histfile"), ("history", ".lesshst"),
        ("history", ".local/share/fish/fish_history"),
        ("key-file", "server.pem"), ("key-file", "tls.key"), ("key-file", "cert.p12"), ("key-file", "cert.pfx"),
        ("key-file", "putty.ppk"), ("key-file", "store.jks"), ("key-file", "app.keystore"),
        ("aws", ".aws/credentials"), ("azure", ".azure/msal_token_cache.json"),
        ("gcloud", ".config/gcloud/credentials.db"), ("kube", ".kube/config"), ("docker", ".docker/config.json"),
        ("terraform", ".terraform.d/credentials.tfrc.json"), ("terraform", "terraform.tfvars"),
        ("terraform", "prod.auto.tfvars"), ("terraform", "terraform.tfvars.json"), ("terraform", "x.tfstate"),
        ("terraform", "terraform.tfstate.backup"), ("terraform", "x.tfstate.1"),
        ("terraform", "terraform.tfstate.d/prod/terraform.tfstate"),
        ("vault", ".vault-token"), ("git-credentials", ".git-credentials"),
        ("git-credentials", ".config/git/credentials"), ("gh", ".config/gh/hosts.yml"), ("netrc", ".netrc"),
        ("npm", ".npmrc"), ("pypi", ".pypirc"), ("cargo", ".cargo/credentials.toml"), ("gem", ".gem/credentials"),
        ("password-store", ".password-store/mail.gpg"), ("keyrings", ".local/share/keyrings/login.keyring"),
        ("1password", ".config/op/config"), ("keepass", "db.kdbx"),
        ("browser", ".mozilla/firefox/x/logins.json"), ("browser", ".config/google-chrome/Default/Cookies"),
        ("browser", ".config/chromium/Default/Login Data"),
        ("browser", ".config/BraveSoftware/Brave-Browser/Default/Cookies"),
        ("history", ".bash_history"), ("pgpass", ".pgpass"),
        ("env", ".env"), ("env", ".env.local"), ("env", ".env-prod"), ("env", "prod.env"), ("env", ".envrc"),
        ("claude", ".claude/.credentials.json"),
    ]

    /// Directory prefixes: depth 0, 1 and 3.
    static let depths = ["", "projects/", "projects/demo/oldhome/"]

    static func policy(allow: [String] = ["**"], except: [String] = []) throws -> Policy {
        var config = GateConfig()
        config.secretExcept = except
        let spec = try config.policySpec(extraAllow: allow.map { try Pattern($0) }, extraDeny: [], hidden: [])
        return Policy(spec)
    }

    static func expectSecret(_ policy: Policy, _ path: String, _ entry: String, isDirectory: Bool = false,
                             sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(policy.decide(path, isDirectory: isDirectory) == Decision(visibility: .hidden, rule: .secret(entry)),
                "\(path)", sourceLocation: sourceLocation)
    }

    /// Every pattern of every entry has a sample it hides on its own, so
    /// the list cannot grow without this suite covering the addition.
    @Test func everyPatternHasASample() throws {
        for entry in BuiltinSecrets.entries {
            for pattern in entry.patterns {
                let alone = PolicySpec(
                    allow: [try Pattern("**")], secrets: [SecretEntry(name: entry.name, patterns: [pattern], builtin: true)])
                let policy = Policy(alone)
                let hit = Self.samples.contains { $0.entry == entry.name && policy.decide($0.path, isDirectory: false).visibility == .hidden }
                #expect(hit, "no sample for \(entry.name): \(pattern)")
            }
        }
        #expect(BuiltinSecrets.entries.allSatisfy { $0.builtin })
    }

    @Test func storesAreHiddenAtEveryDepth() throws {
        let all = try Self.policy()
        let tree = try Self.policy(allow: ["projects/demo"])
        let home = try Self.policy(allow: ["alice"])  // --source /home --allow alice
        for (entry, path) in Self.samples {
            for prefix in Self.depths {
                Self.expectSecret(all, prefix + path, entry)
                Self.expectSecret(tree, "projects/demo/" + prefix + path, entry)
                Self.expectSecret(home, "alice/" + prefix + path, entry)
            }
        }
        for (store, entry) in Self.storeDirectories {
            for prefix in Self.depths {
                Self.expectSecret(all, prefix + store, entry, isDirectory: true)
                Self.expectSecret(home, "alice/" + prefix + store, entry, isDirectory: true)
            }
        }
    }

    /// Entries that hide a whole directory.
    static let storeDirectories = [
        (".ssh", "ssh"), (".gnupg", "gnupg"), (".pki", "pki"), (".aws", "aws"), (".azure", "azure"),
        (".config/gcloud", "gcloud"), (".kube", "kube"), (".terraform.d", "terraform"), ("terraform.tfstate.d", "terraform"),
        (".config/gh", "gh"), (".password-store", "password-store"), (".local/share/keyrings", "keyrings"),
        (".config/op", "1password"), (".mozilla", "browser"), (".config/google-chrome", "browser"),
        (".config/chromium", "browser"), (".config/BraveSoftware", "browser"),
    ]

    static let decorations: [@Sendable (String) -> String] = [
        { $0 + "~" }, { $0 + ".bak" }, { $0 + ".orig" }, { $0 + ".old" }, { $0 + ".swp" }, { "." + $0 + ".swp" },
        { "#" + $0 + "#" }, { $0 + ".BAK" }, { $0 + ".bak~" }, { "." + $0 + ".orig.swp" },
    ]

    /// Each segment of each sample decorated: a store name's variant is the
    /// store, and a decorated name inside a store is still inside it.
    @Test func editorAndBackupVariantsAreHidden() throws {
        let all = try Self.policy()
        for (entry, path) in Self.samples {
            let parts = path.split(separator: "/").map(String.init)
            for k in parts.indices {
                for decorate in Self.decorations {
                    var varied = parts
                    varied[k] = decorate(parts[k])
                    for prefix in Self.depths {
                        Self.expectSecret(all, prefix + varied.joined(separator: "/"), entry)
                    }
                }
            }
        }
    }

    @Test func caseVariantsAreHidden() throws {
        let all = try Self.policy()
        for (entry, path) in Self.samples {
            for prefix in Self.depths {
                Self.expectSecret(all, prefix + path.uppercased(), entry)
                Self.expectSecret(all, prefix + path.capitalized, entry)
            }
        }
    }

    /// The names the security review found shown.
    @Test(arguments: [
        (".env~", "env"), ("#.env#", "env"), (".env-prod", "env"), ("prod.env", "env"), ("id_rsa.bak", "private-key"),
        ("id_rsa~", "private-key"), ("server.pem~", "key-file"), ("server.pem.bak", "key-file"), ("key.PEM", "key-file"),
        ("ID_RSA", "private-key"), (".bash_history~", "history"), ("terraform.tfvars.json", "terraform"),
        ("x.tfstate.1", "terraform"), (".ssh.bak/config", "ssh"), (".aws~/credentials", "aws"),
        (".id_rsa.swp", "private-key"), (".env.swp", "env"), (".npmrc.orig", "npm"), (".netrc.old", "netrc"),
        (".SSH/id_ed25519", "ssh"), (".Docker/Config.json", "docker"),
    ])
    func reviewFindingsAreHidden(_ name: String, _ entry: String) throws {
        let all = try Self.policy()
        for prefix in Self.depths { Self.expectSecret(all, prefix + name, entry) }
        // A variant of a store directory is hidden as a directory too.
        if name.contains("/"), entry != "docker" {
            let top = String(name.split(separator: "/")[0])
            for prefix in Self.depths { Self.expectSecret(all, prefix + top, entry, isDirectory: true) }
        }
    }

    /// Close to a secret name, and not one: shown. `notes.env.md` is a
    /// document about env files, not one (`*.env` must end the name), and a
    /// fourth stacked decoration is not stripped.
    @Test(arguments: [
        ("environment.txt", false), ("sshd_config.md", false), ("envoy", true), ("envoy/config.yaml", false),
        ("notes.env.md", false), (".ssh_config", false), ("id_rsa.pub", false), ("id_rsa.pub.bak", false),
        (".envrc.example", false), ("ssh/config", false), (".sshd/x", false), ("aws/credentials", false),
        (".bashrc~", false), ("README.md.orig", false), ("#notes#", false), (".docker/daemon.json", false),
        ("docker.env.example", false), ("tfstate.md", false), ("main.tf", false), ("x.tfvars.jsonnet", false),
        (".kubeconfig", false), (".awsome/x", false), ("keys.txt", false), ("pem.txt", false), (".gitconfig", false),
        (".config/git/config", false), (".cargo/config.toml", false), (".claude/settings.json", false),
        ("history.txt", false), (".environment", false), ("dotenv", false), ("id_rsa.bak.bak.bak.bak.bak", false), ("env.py", false),
        (".ssh.d/config", false), (".netrc.d/x", false),
    ])
    func nearMissesStayVisible(_ path: String, _ isDirectory: Bool) throws {
        let all = try Self.policy()
        for prefix in Self.depths {
            #expect(all.decide(prefix + path, isDirectory: isDirectory) == Decision(visibility: .visible, rule: .allow("**")),
                    "\(prefix + path)")
        }
    }

    @Test func exceptPatternExposesOnlyTheRootPath() throws {
        let p = try Self.policy(except: [".ssh/known_hosts"])
        #expect(p.decide(".ssh", isDirectory: true) == Decision(visibility: .ancestor, rule: .secret("ssh")))
        #expect(p.decide(".ssh/known_hosts", isDirectory: false) == Decision(visibility: .visible, rule: .allow("**")))
        Self.expectSecret(p, ".ssh/config", "ssh")
        for path in ["projects/.ssh/known_hosts", "projects/demo/oldhome/.ssh/known_hosts", ".SSH/known_hosts",
                     ".ssh.bak/known_hosts", ".ssh/KNOWN_HOSTS"] {
            Self.expectSecret(p, path, "ssh")
        }
        Self.expectSecret(p, "projects/.ssh", "ssh", isDirectory: true)
    }

    @Test func exceptEntryNameDropsTheEntryAtEveryDepth() throws {
        let p = try Self.policy(except: ["ssh"])
        for prefix in Self.depths {
            for path in [".ssh/config", ".SSH/known_hosts", ".ssh.bak/config", ".ssh~/config"] {
                #expect(p.decide(prefix + path, isDirectory: false) == Decision(visibility: .visible, rule: .allow("**")),
                        "\(prefix + path)")
            }
            // Other entries still apply inside it.
            Self.expectSecret(p, prefix + ".ssh/id_rsa", "private-key")
            Self.expectSecret(p, prefix + ".ssh/server.pem", "key-file")
        }
    }

    /// What the gate scans by name: every wildcard-free built-in pattern,
    /// at any depth, spelt as on disk.
    @Test func fixedStorePathsCoverTheFixedEntries() throws {
        let p = try Self.policy()
        let fixed = p.fixedStorePaths
        #expect(fixed.allSatisfy { $0.path.anyDepth })
        func has(_ entry: String, _ segments: [String]) -> Bool {
            fixed.contains { $0.rule == .secret(entry) && $0.path.segments == segments.map { Array($0.utf8) } }
        }
        #expect(has("ssh", [".ssh"]))
        #expect(has("docker", [".docker", "config.json"]))
        #expect(has("browser", [".config", "BraveSoftware"]))
        #expect(has("private-key", ["id_ed25519"]))
        #expect(!fixed.contains { $0.rule == .secret("key-file") })
        let wildcardFree = BuiltinSecrets.entries.flatMap(\.patterns).filter { !$0.text.contains(where: { "*?[".contains($0) }) }
        #expect(fixed.count == wildcardFree.count)
    }
}
