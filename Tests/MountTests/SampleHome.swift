/// A realistic home directory: two projects, music, dotfiles, and one or
/// more files in most of the built-in secret stores. Contents are distinct
/// per file so a read that returns the wrong file is caught.
enum SampleHome {
    /// Files that are not secrets by the built-in list.
    static let ordinaryFiles = [
        "notes.txt",
        "projects/demo/README.md",
        "projects/demo/Package.swift",
        "projects/demo/.gitignore",
        "projects/demo/src/main.swift",
        "projects/demo/src/util/strings.swift",
        "projects/demo/docs/guide.md",
        "projects/demo/certs/ca.crt",
        "projects/demo/deploy/main.tf",
        "projects/demo/keys/README.txt",
        "projects/demo/environment.txt",
        "projects/other/notes.txt",
        "projects/other/src/lib.rs",
        "music/album/01-intro.flac",
        "music/playlist.m3u",
        ".config/app/settings.json",
        ".local/share/app/data.txt",
        ".docker/other.json",
        ".claude/settings.json",
        ".cargo/config.toml",
        ".bashrc",
    ]

    /// Empty directories that are not secrets.
    static let emptyDirectories = ["projects/demo/build"]

    /// Files that one built-in secret entry or another must hide.
    static let secretFiles = [
        ".ssh/id_ed25519",
        ".ssh/id_ed25519.pub",
        ".ssh/known_hosts",
        ".ssh/config",
        ".aws/credentials",
        ".aws/config",
        ".config/gcloud/x",
        ".config/gcloud/configurations/config_default",
        ".kube/config",
        ".gnupg/pubring.kbx",
        ".local/share/keyrings/login.keyring",
        ".mozilla/firefox/profile/key4.db",
        ".bash_history",
        ".python_history",
        ".docker/config.json",
        ".claude/.credentials.json",
        ".netrc",
        ".pgpass",
        ".git-credentials",
        ".npmrc",
        ".cargo/credentials.toml",
        "vault.kdbx",
        "projects/demo/.env",
        "projects/demo/.env.local",
        "projects/demo/.env.example",
        "projects/demo/.envrc",
        "projects/demo/.zsh_history",
        "projects/demo/certs/server.pem",
        "projects/demo/certs/server.key",
        "projects/demo/deploy/terraform.tfvars",
        "projects/demo/keys/id_ed25519",
    ]

    /// Secret directories: hidden whole, so never listed either.
    static let secretDirectories = [
        ".ssh", ".aws", ".config/gcloud", ".config/gcloud/configurations", ".kube", ".gnupg",
        ".local/share/keyrings", ".mozilla", ".mozilla/firefox", ".mozilla/firefox/profile",
    ]

    static func build(_ tree: TreeBuilder) throws {
        for path in ordinaryFiles + secretFiles {
            try tree.file(path, "contents of \(path)\n")
        }
        for path in emptyDirectories {
            try tree.directory(path)
        }
    }

    /// What `find VIEW` must print (relative, root left out) under `--allow '**'`.
    static let visibleUnderAllowAll = [
        "notes.txt",
        ".bashrc",
        "projects",
        "projects/demo",
        "projects/demo/README.md",
        "projects/demo/Package.swift",
        "projects/demo/.gitignore",
        "projects/demo/src",
        "projects/demo/src/main.swift",
        "projects/demo/src/util",
        "projects/demo/src/util/strings.swift",
        "projects/demo/docs",
        "projects/demo/docs/guide.md",
        "projects/demo/certs",
        "projects/demo/certs/ca.crt",
        "projects/demo/deploy",
        "projects/demo/deploy/main.tf",
        "projects/demo/keys",
        "projects/demo/keys/README.txt",
        "projects/demo/environment.txt",
        "projects/demo/build",
        "projects/other",
        "projects/other/notes.txt",
        "projects/other/src",
        "projects/other/src/lib.rs",
        "music",
        "music/album",
        "music/album/01-intro.flac",
        "music/playlist.m3u",
        ".config",
        ".config/app",
        ".config/app/settings.json",
        ".local",
        ".local/share",
        ".local/share/app",
        ".local/share/app/data.txt",
        ".docker",
        ".docker/other.json",
        ".claude",
        ".claude/settings.json",
        ".cargo",
        ".cargo/config.toml",
    ]
}
