import Foundation
import Glibc
import XCTest

/// Security review round 2, findings 1 and 12: secret stores are hidden at
/// any depth, whatever the case of their ASCII letters, and so are their
/// editor and backup copies. Each built-in entry's store is placed at depth
/// 0, 1 and 3 under an allowed tree, under `--allow '**'`, and under a home
/// one level below the source (`--source H --allow alice`); nothing inside
/// may be listed (readdir, find) or read through the view.
final class EscapeNestedStoreTests: EscapeTestCase {
    /// One store per pattern of config/secrets.toml: the path the entry
    /// hides (a directory or a file) and files to put in it (none when the
    /// store is the file itself).
    struct Store {
        let entry: String
        let path: String
        let inside: [String]
    }

    static let stores: [Store] = [
        Store(entry: "ssh", path: ".ssh", inside: ["config", "id_ed25519"]),
        Store(entry: "gnupg", path: ".gnupg", inside: ["private-keys-v1.d/x.key"]),
        Store(entry: "pki", path: ".pki", inside: ["nssdb/cert9.db"]),
        Store(entry: "aws", path: ".aws", inside: ["credentials", "config"]),
        Store(entry: "azure", path: ".azure", inside: ["msal_token_cache.json"]),
        Store(entry: "gcloud", path: ".config/gcloud", inside: ["credentials.db"]),
        Store(entry: "kube", path: ".kube", inside: ["config"]),
        Store(entry: "docker", path: ".docker/config.json", inside: []),
        Store(entry: "terraform", path: ".terraform.d", inside: ["credentials.tfrc.json"]),
        Store(entry: "vault", path: ".vault-token", inside: []),
        Store(entry: "git-credentials", path: ".git-credentials", inside: []),
        Store(entry: "git-credentials", path: ".config/git/credentials", inside: []),
        Store(entry: "gh", path: ".config/gh", inside: ["hosts.yml"]),
        Store(entry: "netrc", path: ".netrc", inside: []),
        Store(entry: "npm", path: ".npmrc", inside: []),
        Store(entry: "pypi", path: ".pypirc", inside: []),
        Store(entry: "cargo", path: ".cargo/credentials.toml", inside: []),
        Store(entry: "gem", path: ".gem/credentials", inside: []),
        Store(entry: "password-store", path: ".password-store", inside: ["mail.gpg"]),
        Store(entry: "keyrings", path: ".local/share/keyrings", inside: ["login.keyring"]),
        Store(entry: "1password", path: ".config/op", inside: ["config"]),
        Store(entry: "browser", path: ".mozilla", inside: ["firefox/p/logins.json"]),
        Store(entry: "browser", path: ".config/google-chrome", inside: ["Default/Cookies"]),
        Store(entry: "browser", path: ".config/chromium", inside: ["Default/Cookies"]),
        Store(entry: "browser", path: ".config/BraveSoftware", inside: ["Brave-Browser/Default/Cookies"]),
        Store(entry: "pgpass", path: ".pgpass", inside: []),
        Store(entry: "claude", path: ".claude/.credentials.json", inside: []),
        // Entries that match names anywhere already; their case and variants are below.
        Store(entry: "private-key", path: "id_ed25519", inside: []),
        Store(entry: "key-file", path: "server.pem", inside: []),
        Store(entry: "terraform", path: "terraform.tfstate", inside: []),
        Store(entry: "keepass", path: "db.kdbx", inside: []),
        Store(entry: "history", path: ".bash_history", inside: []),
        Store(entry: "env", path: ".env", inside: []),
        // Variants and case (finding 12).
        Store(entry: "env", path: ".env~", inside: []),
        Store(entry: "env", path: "#.env#", inside: []),
        Store(entry: "env", path: ".env-prod", inside: []),
        Store(entry: "env", path: "prod.env", inside: []),
        Store(entry: "env", path: ".env.swp", inside: []),
        Store(entry: "private-key", path: "id_rsa.bak", inside: []),
        Store(entry: "private-key", path: "id_rsa~", inside: []),
        Store(entry: "private-key", path: "ID_RSA", inside: []),
        Store(entry: "private-key", path: ".id_rsa.swp", inside: []),
        Store(entry: "key-file", path: "server.pem~", inside: []),
        Store(entry: "key-file", path: "server.pem.bak", inside: []),
        Store(entry: "key-file", path: "key.PEM", inside: []),
        Store(entry: "history", path: ".bash_history~", inside: []),
        Store(entry: "terraform", path: "terraform.tfvars.json", inside: []),
        Store(entry: "terraform", path: "x.tfstate.1", inside: []),
        Store(entry: "ssh", path: ".ssh.bak", inside: ["config", "id_rsa.pub"]),
        Store(entry: "ssh", path: ".SSH", inside: ["config"]),
        Store(entry: "aws", path: ".aws~", inside: ["credentials"]),
        Store(entry: "aws", path: ".AWS.orig", inside: ["credentials"]),
        Store(entry: "npm", path: ".npmrc.old", inside: []),
        Store(entry: "netrc", path: "#.netrc#", inside: []),
        Store(entry: "docker", path: ".Docker/config.json.bak", inside: []),
    ]

    /// Near misses, shown (and read) at every depth next to the stores.
    static let visible = ["environment.txt", "notes.env.md", "id_rsa.pub", "sshd_config.md", "envoy/config.yaml",
                          ".ssh.d/config", ".docker/daemon.json", ".config/git/config", "README.md.orig"]

    /// Depth 0, 1 and 3 below `base`.
    static func locations(_ base: String) -> [String] {
        [base, base + "sub/", base + "a/b/c/"]
    }

    /// Every store at every location, with the marker in each file; the
    /// near misses beside them. Returns the store paths (what must be hidden).
    func arrange(_ fx: MountFixture, at locations: [String]) throws -> [(path: String, entry: String)] {
        var hidden: [(path: String, entry: String)] = []
        for location in locations {
            for store in Self.stores {
                let top = location + store.path
                if store.inside.isEmpty {
                    try secret(fx, top)
                } else {
                    for file in store.inside { try secret(fx, top + "/" + file) }
                }
                hidden.append((top, store.entry))
            }
            for name in Self.visible { try fx.tree.file(location + name, "visible \(location + name)\n") }
        }
        return hidden
    }

    /// Nothing of a store can be looked up, listed or read; the near misses
    /// can; and a few deny lines name the built-in entry.
    func check(_ fx: MountFixture, hidden: [(path: String, entry: String)], locations: [String]) {
        let v = fx.mountpoint
        for (path, _) in hidden {
            assertHidden(v + "/" + path)
        }
        for store in Self.stores where !store.inside.isEmpty {
            for location in locations {
                for file in store.inside { assertUnreadable(v + "/" + location + store.path + "/" + file) }
            }
        }
        for location in locations {
            for name in Self.visible {
                XCTAssertEqual(Posix.readFile(v + "/" + location + name), .success(Array("visible \(location + name)\n".utf8)),
                               "read \(location + name)")
            }
        }
        let deepest = locations[locations.count - 1]
        for (name, rule) in [(".ssh", "secret:ssh"), (".ssh.bak", "secret:ssh"), (".SSH", "secret:ssh"),
                             (".aws~", "secret:aws"), ("ID_RSA", "secret:private-key"), ("#.env#", "secret:env")] {
            assertDenyLogged(fx, path: deepest + name, rule: rule, op: "lookup")
        }
        sweep(fx, hidden: hidden.map(\.path))
        assertLogIntact(fx)
    }

    func testStoresUnderAnAllowedTreeAreHiddenAtEveryDepth() throws {
        let fx = try makeFixture()
        let locations = Self.locations("projects/demo/")
        let hidden = try arrange(fx, at: locations)
        try fx.mountLive(["--allow", "projects/demo"])
        check(fx, hidden: hidden, locations: locations)
    }

    func testStoresUnderAllowEverythingAreHiddenAtEveryDepth() throws {
        let fx = try makeFixture()
        let locations = Self.locations("")
        let hidden = try arrange(fx, at: locations)
        try fx.mountLive(["--allow", "**"])
        check(fx, hidden: hidden, locations: locations)
    }

    /// `--source /home --allow alice`: alice's home is one level below the source.
    func testStoresOfAHomeBelowTheSourceAreHidden() throws {
        let fx = try makeFixture()
        let locations = Self.locations("alice/")
        let hidden = try arrange(fx, at: locations)
        try fx.tree.file("bob/notes.txt", "not allowed\n")
        try fx.mountLive(["--allow", "alice"])
        assertListing(fx.mountpoint, ["alice"])
        check(fx, hidden: hidden, locations: locations)
    }

    /// The two reproductions from the review.
    func testOldHomeCopiedIntoAProjectShowsNoSecret() throws {
        let fx = try makeFixture()
        for path in ["projects/demo/oldhome/.ssh/config", "projects/demo/oldhome/.ssh/id_ed25519",
                     "projects/demo/oldhome/.aws/config", "projects/demo/oldhome/.aws/credentials",
                     "projects/demo/oldhome/.npmrc", "projects/demo/oldhome/.netrc"] {
            try secret(fx, path)
        }
        try fx.tree.file("projects/demo/oldhome/notes.txt", "notes\n")
        try fx.mountLive(["--allow", "projects/demo"])
        let old = fx.mountpoint + "/projects/demo/oldhome/"
        for path in [".ssh/config", ".ssh/id_ed25519", ".aws/config", ".aws/credentials", ".npmrc", ".netrc"] {
            assertUnreadable(old + path)
        }
        for path in [".ssh", ".aws", ".npmrc", ".netrc"] { assertHidden(old + path) }
        assertListing(old, ["notes.txt"])
        assertDenyLogged(fx, path: "projects/demo/oldhome/.ssh", rule: "secret:ssh", op: "lookup")
        assertDenyLogged(fx, path: "projects/demo/oldhome/.aws", rule: "secret:aws", op: "lookup")
        sweep(fx, hidden: ["projects/demo/oldhome/.ssh", "projects/demo/oldhome/.aws", "projects/demo/oldhome/.npmrc",
                           "projects/demo/oldhome/.netrc"])
    }

    func testHomeBelowTheSourceHidesItsAWSCredentials() throws {
        let fx = try makeFixture()
        try secret(fx, "alice/.aws/credentials")
        try fx.tree.file("alice/todo.txt", "todo\n")
        try fx.mountLive(["--allow", "alice"])
        assertUnreadable(fx.mountpoint + "/alice/.aws/credentials")
        assertHidden(fx.mountpoint + "/alice/.aws")
        assertListing(fx.mountpoint + "/alice", ["todo.txt"])
        assertDenyLogged(fx, path: "alice/.aws", rule: "secret:aws", op: "lookup")
        sweep(fx, hidden: ["alice/.aws"])
    }

    /// The table above names every entry of the shipped list.
    func testEveryBuiltinEntryHasAStoreHere() throws {
        let toml = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/secrets.toml")
        let text = try String(contentsOf: toml, encoding: .utf8)
        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("name = \"") {
            names.insert(String(line.dropFirst(8).dropLast()))
        }
        XCTAssertGreaterThan(names.count, 20, "parsed \(names) from \(toml.path)")
        XCTAssertEqual(names.subtracting(Self.stores.map(\.entry)), [], "entries with no store in this test")
    }
}
