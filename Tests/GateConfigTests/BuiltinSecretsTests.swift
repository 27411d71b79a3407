import Foundation
import GatePolicy
import Testing
@testable import GateConfig

@Suite struct BuiltinSecretsTests {
    /// The entries the issue names; the list may grow, never silently shrink.
    static let requiredNames = [
        "ssh", "gnupg", "pki", "private-key", "key-file", "aws", "azure", "gcloud", "kube", "docker", "terraform",
        "vault", "git-credentials", "gh", "netrc", "npm", "pypi", "cargo", "gem", "password-store", "keyrings",
        "1password", "keepass", "browser", "history", "pgpass", "env", "claude",
    ]

    @Test func embeddedListParses() {
        let names = BuiltinSecrets.entries.map(\.name)
        for name in Self.requiredNames { #expect(names.contains(name), "missing \(name)") }
        #expect(Set(names).count == names.count)
        #expect(BuiltinSecrets.entries.allSatisfy { !$0.patterns.isEmpty })
    }

    /// The plugin must embed the shipped file byte for byte.
    @Test func embeddedTextIsTheShippedFile() throws {
        let url = ConfigParseTests.repositoryRoot.appendingPathComponent("config/secrets.toml")
        let shipped = try String(contentsOf: url, encoding: .utf8)
        #expect(builtinSecretsTOML == shipped || builtinSecretsTOML == shipped + "\n")
    }

    @Test(arguments: [
        ("[[secret]]\nname = \"x\"\n", 1, 1, "needs 'name' and 'paths'"),
        ("[[secret]]\nname = \"x\"\npaths = [\"a**\"]\n", 3, 12, "'**' must be a whole path segment"),
        ("[[secret]]\nname = \"x\"\npaths = []\n", 3, 9, "must not be empty"),
        ("[[secret]]\nname = \"x\"\npaths = [\"a\"]\n[[secret]]\nname = \"x\"\npaths = [\"b\"]\n", 5, 8, "unique"),
        ("[[secret]]\nname = \"x\"\npath = [\"a\"]\n", 1, 1, "needs 'name' and 'paths'"),
        ("secrets = 1\n", 1, 1, "unknown key 'secrets' (did you mean 'secret'?)"),
    ])
    func invalidListsFailWithPosition(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        do {
            _ = try BuiltinSecrets.parse(text, file: "secrets.toml")
            Issue.record("parsed")
        } catch {
            #expect((error.line, error.column) == (line, column), "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    /// Under `--allow '**'`, every built-in entry still hides its paths.
    static let hiddenUnderAllowAll: [(String, Bool, String)] = [
        (".ssh", true, "ssh"), (".ssh/id_ed25519", false, "ssh"), (".ssh/config", false, "ssh"),
        (".gnupg/pubring.kbx", false, "gnupg"), (".pki/nssdb/cert9.db", false, "pki"),
        ("backup/id_rsa", false, "private-key"), ("id_ed25519", false, "private-key"),
        ("a/b/id_ecdsa_sk", false, "private-key"),
        ("a/b/server.pem", false, "key-file"), ("tls.key", false, "key-file"), ("x/cert.p12", false, "key-file"),
        (".aws/credentials", false, "aws"), (".aws", true, "aws"), (".azure/msal_token_cache.json", false, "azure"),
        (".config/gcloud/x", false, "gcloud"), (".kube/config", false, "kube"),
        (".docker/config.json", false, "docker"),
        (".terraform.d/credentials.tfrc.json", false, "terraform"), ("infra/terraform.tfvars", false, "terraform"),
        ("infra/prod.auto.tfvars", false, "terraform"), ("infra/terraform.tfstate", false, "terraform"),
        ("infra/terraform.tfstate.backup", false, "terraform"),
        (".vault-token", false, "vault"), (".git-credentials", false, "git-credentials"),
        (".config/git/credentials", false, "git-credentials"), (".config/gh/hosts.yml", false, "gh"),
        (".netrc", false, "netrc"), (".npmrc", false, "npm"), (".pypirc", false, "pypi"),
        (".cargo/credentials.toml", false, "cargo"), (".cargo/credentials", false, "cargo"),
        (".gem/credentials", false, "gem"), (".password-store/mail.gpg", false, "password-store"),
        (".local/share/keyrings/login.keyring", false, "keyrings"), (".config/op/config", false, "1password"),
        ("vault/db.kdbx", false, "keepass"), (".mozilla/firefox/x/logins.json", false, "browser"),
        (".config/google-chrome/Default/Cookies", false, "browser"), (".config/chromium", true, "browser"),
        (".config/BraveSoftware/x", false, "browser"),
        (".bash_history", false, "history"), (".psql_history", false, "history"),
        ("projects/x/.python_history", false, "history"), (".pgpass", false, "pgpass"),
        ("projects/x/.env", false, "env"), ("projects/x/.env.local", false, "env"), (".env.example", false, "env"),
        ("projects/x/.envrc", false, "env"), (".claude/.credentials.json", false, "claude"),
    ]

    /// ...and nearby paths that are not secrets stay visible.
    static let visibleUnderAllowAll = [
        ".docker/other.json", ".envrc.example", "id_rsa.pub", ".ssh_config", "projects/x/env", ".environment",
        ".config/git/config", ".cargo/config.toml", ".claude/settings.json", "a/b/server.pem.txt", ".awsome",
        "history", ".bashrc", ".config/gh-other", ".config/gcloud-notes", "notes.keys", ".kubeconfig.bak",
    ]

    static func allowAllPolicy() throws -> Policy {
        let spec = try GateConfig().policySpec(extraAllow: [Pattern("**")], extraDeny: [], hidden: [])
        return Policy(spec)
    }

    @Test(arguments: hiddenUnderAllowAll)
    func secretHiddenUnderAllowAll(_ path: String, _ isDirectory: Bool, _ entry: String) throws {
        let decision = try Self.allowAllPolicy().decide(path, isDirectory: isDirectory)
        #expect(decision == Decision(visibility: .hidden, rule: .secret(entry)))
    }

    @Test(arguments: visibleUnderAllowAll)
    func nonSecretVisibleUnderAllowAll(_ path: String) throws {
        let decision = try Self.allowAllPolicy().decide(path, isDirectory: false)
        #expect(decision == Decision(visibility: .visible, rule: .allow("**")))
    }
}
