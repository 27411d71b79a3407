import Foundation
import Glibc
import XCTest

/// Class 1: `..` and odd names. The kernel resolves `..`, `.` and repeated
/// slashes in the view itself, so every such path reaches the daemon as a
/// plain lookup of a hidden name, which must fail and be logged. Names with
/// newlines, escape sequences, bytes that are not UTF-8 and 255 bytes are
/// decided by the same rules as any other, and logged unambiguously.
final class EscapeNamesTests: EscapeTestCase {
    func testDotDotAndSlashTricksNeverReachAHiddenFile() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.file("projects/demo/sub/a.txt", "a\n")
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, ".aws/credentials")
        try secret(fx, "projects/demo/.env")
        try secret(fx, "projects/other/notes.txt")   // not allowed: as hidden as a secret
        try fx.mountLive(["--allow", "projects/demo"])
        let v = fx.mountpoint

        let attempts: [(String, String, String)] = [
            ("projects/demo/../../.ssh/id_ed25519", ".ssh", "secret:ssh"),
            ("./projects/demo/./../demo/../../.ssh/id_ed25519", ".ssh", "secret:ssh"),
            ("projects//demo//..//..//.ssh//id_ed25519", ".ssh", "secret:ssh"),
            ("projects/demo/sub/../../../.aws/credentials", ".aws", "secret:aws"),
            ("projects/demo/sub/../.env", "projects/demo/.env", "secret:env"),
            ("projects/demo/sub/./../../demo/.env", "projects/demo/.env", "secret:env"),
            ("projects/demo/../other/notes.txt", "projects/other", "not-allowed"),
            ("projects/./other/../other/notes.txt", "projects/other", "not-allowed"),
        ]
        for (path, denied, rule) in attempts {
            assertHidden(v + "/" + path)
            assertDenyLogged(fx, path: denied, rule: rule, op: "lookup")
        }

        // The same, relative to a directory descriptor inside the view, as a
        // tool holding a working directory there would do.
        let dirfd = open(v + "/projects/demo/sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(dirfd, 0)
        defer { close(dirfd) }
        for path in ["../../../.ssh/id_ed25519", "../.env", ".././../other/notes.txt", "..//..//../.aws/credentials"] {
            let fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)
            let e = errno
            if fd >= 0 {
                assertNoMarker(EscapeRawFS.readAll(fd: fd).escapeValue ?? [], "openat(sub, \(path))")
                close(fd)
                XCTFail("openat(sub, \(path)) opened a hidden file")
            } else {
                XCTAssertEqual(e, ENOENT, "openat(sub, \(path)): \(Posix.name(e))")
            }
        }
        // What is allowed still works through the same tricks.
        assertSameBytes(v + "/projects//demo/./sub/../README.md", fx.source + "/projects/demo/README.md")

        sweep(fx, hidden: [".ssh", ".aws", "projects/demo/.env", "projects/other"])
        assertLogIntact(fx)
    }

    func testNewlinesEscapesInvalidUTF8AndLongNamesAreDecidedAndLoggedExactly() throws {
        let fx = try makeFixture()
        let demo = Array("projects/demo/".utf8)
        let long255 = String(repeating: "n", count: 251) + ".txt"
        let longPem = String(repeating: "k", count: 251) + ".pem"
        let wide = String(repeating: "é", count: 127) + "x"   // 255 bytes
        XCTAssertEqual(long255.utf8.count, 255)
        XCTAssertEqual(wide.utf8.count, 255)
        let visible: [[UInt8]] = [
            demo + Array("line\nbreak.txt".utf8),
            demo + Array("\u{1b}[2Jclear.txt".utf8),
            demo + Array("bad".utf8) + [0xFF, 0xFE] + Array(".txt".utf8),
            demo + [0xC0, 0xAF] + Array("overlong.txt".utf8),
            demo + Array("back\\slash.txt".utf8),
            demo + Array(long255.utf8),
            demo + Array(wide.utf8),
        ]
        // Hidden by a secret entry or a deny rule, whatever bytes surround the match.
        let hidden: [([UInt8], String)] = [
            (demo + Array("k".utf8) + [0xFF] + Array(".pem".utf8), "secret:key-file"),
            (demo + Array("x\ny.key".utf8), "secret:key-file"),
            (demo + Array(".env.".utf8) + [0xFF, 0x0A], "secret:env"),
            (demo + Array(longPem.utf8), "secret:key-file"),
            (demo + Array("deny\nme".utf8), "deny:projects/demo/deny?me"),
        ]
        try fx.tree.directory("projects/demo")
        try fx.tree.directory(".ssh")
        for (i, path) in visible.enumerated() {
            XCTAssertEqual(EscapeRawFS.createFile(Array(fx.source.utf8) + [0x2F] + path, Array("visible \(i)\n".utf8)), 0)
        }
        for (path, _) in hidden {
            try secret(fx, raw: path)
        }
        try secret(fx, raw: Array(".ssh/".utf8) + [0xFF, 0xFE, 0x0A])
        try fx.mountLive(["--allow", "projects/demo", "--deny", "projects/demo/deny?me"])
        let v = Array(fx.mountpoint.utf8) + [0x2F]

        for (i, path) in visible.enumerated() {
            XCTAssertEqual(EscapeRawFS.readAll(v + path).escapeValue, Array("visible \(i)\n".utf8), "read \(EscapeAuditText.of(path))")
        }
        for (path, rule) in hidden {
            XCTAssertEqual(EscapeRawFS.lstatError(v + path), ENOENT, "lstat \(EscapeAuditText.of(path))")
            XCTAssertEqual(EscapeRawFS.readAll(v + path).escapeError?.code, ENOENT, "open \(EscapeAuditText.of(path))")
            assertDenyLogged(fx, path: EscapeAuditText.of(path), rule: rule, op: "lookup")
        }
        // 256 bytes is no name at all: the kernel refuses it before gatefs.
        XCTAssertEqual(Posix.lstatError(fx.mountpoint + "/projects/demo/" + long255 + "x"), ENAMETOOLONG)

        let listed = try XCTUnwrap(EscapeRawFS.names(v + demo.dropLast()).escapeValue)
        XCTAssertEqual(Set(listed), Set(visible.map { Array($0.dropFirst(demo.count)) }), "readdir projects/demo")
        sweep(fx, hiddenRaw: hidden.map(\.0) + [Array(".ssh".utf8)])
        // Every line stays one JSON line whatever the names hold, and the chain verifies.
        assertLogIntact(fx)
    }

    /// Built-in secret names match case-insensitively (round 2): on a
    /// case-sensitive source (ext4 here) `.SSH` and `.ssh` are two
    /// directories, and both are hidden, with the entry's own rule, so a
    /// case-insensitive source could not reach `.ssh` through `.SSH` either.
    func testCaseVariantsOfSecretsAreHiddenLikeTheSecretsThemselves() throws {
        let fx = try makeFixture()
        for path in [".ssh/config", ".ssh/id_ed25519", ".aws/credentials", "projects/demo/.env", "projects/demo/server.pem",
                     ".SSH/id_ed25519", ".SSH/config", ".Ssh/known_hosts", ".AWS/credentials", "projects/demo/.ENV",
                     "projects/demo/.Env", "projects/demo/SERVER.PEM", "projects/demo/ID_ED25519"] {
            try secret(fx, path)
        }
        try fx.tree.file("projects/demo/readme.md", "visible\n")
        var a = stat(), b = stat()
        XCTAssertEqual(lstat(fx.source + "/.ssh", &a), 0)
        XCTAssertEqual(lstat(fx.source + "/.SSH", &b), 0)
        XCTAssertNotEqual(a.st_ino, b.st_ino, "this test needs a case-sensitive source")
        try fx.mountLive(["--allow", "**"])
        let v = fx.mountpoint

        XCTAssertEqual(Posix.readFile(v + "/projects/demo/readme.md"), .success(Array("visible\n".utf8)))
        for (path, denied, rule) in [(".ssh/config", ".ssh", "secret:ssh"), (".aws/credentials", ".aws", "secret:aws"),
                                     (".SSH/config", ".SSH", "secret:ssh"), (".Ssh/known_hosts", ".Ssh", "secret:ssh"),
                                     (".AWS/credentials", ".AWS", "secret:aws"),
                                     ("projects/demo/.env", "projects/demo/.env", "secret:env"),
                                     ("projects/demo/.ENV", "projects/demo/.ENV", "secret:env"),
                                     ("projects/demo/.Env", "projects/demo/.Env", "secret:env"),
                                     ("projects/demo/server.pem", "projects/demo/server.pem", "secret:key-file"),
                                     ("projects/demo/SERVER.PEM", "projects/demo/SERVER.PEM", "secret:key-file"),
                                     ("projects/demo/ID_ED25519", "projects/demo/ID_ED25519", "secret:private-key")] {
            assertHidden(v + "/" + path)
            assertDenyLogged(fx, path: denied, rule: rule, op: "lookup")
        }
        sweep(fx, hidden: [".ssh", ".aws", ".SSH", ".Ssh", ".AWS", "projects/demo/.env", "projects/demo/.ENV",
                           "projects/demo/.Env", "projects/demo/server.pem", "projects/demo/SERVER.PEM",
                           "projects/demo/ID_ED25519"])
    }

    /// Patterns are anchored at the source root and match whole segments
    /// (srt#432): a deny of `projects/demo/private` hides neither
    /// `private2` nor `privateX`, a root-anchored `secret.txt` only the top
    /// one, `**/token.txt` every depth, and escaped glob characters are literal.
    func testPatternAnchoringHidesExactlyWhatItNames() throws {
        let fx = try makeFixture()
        try secret(fx, "projects/demo/private/a.txt")
        try secret(fx, "secret.txt")
        try secret(fx, "projects/demo/token.txt")
        try secret(fx, "projects/demo/a/b/c/token.txt")
        try secret(fx, "projects/demo/[x].txt")
        try secret(fx, "projects/demo/star*.txt")
        for path in ["projects/demo/private2/a.txt", "projects/demo/privateX", "projects/demo/secret.txt",
                     "projects/demo/token.txt.bak", "projects/demo/x.txt", "projects/demo/starry.txt"] {
            try fx.tree.file(path, "fine \(path)\n")
        }
        try fx.mountLive([
            "--allow", "projects/demo", "--allow", "secret.txt",
            "--deny", "projects/demo/private", "--deny", "secret.txt", "--deny", "**/token.txt",
            "--deny", "projects/demo/\\[x\\].txt", "--deny", "projects/demo/star\\*.txt",
        ])
        let v = fx.mountpoint
        for path in ["projects/demo/private2/a.txt", "projects/demo/privateX", "projects/demo/secret.txt",
                     "projects/demo/token.txt.bak", "projects/demo/x.txt", "projects/demo/starry.txt"] {
            XCTAssertEqual(Posix.readFile(v + "/" + path), .success(Array("fine \(path)\n".utf8)), "read \(path)")
        }
        for (path, denied, rule) in [
            ("projects/demo/private/a.txt", "projects/demo/private", "deny:projects/demo/private"),
            ("secret.txt", "secret.txt", "deny:secret.txt"),
            ("projects/demo/token.txt", "projects/demo/token.txt", "deny:**/token.txt"),
            ("projects/demo/a/b/c/token.txt", "projects/demo/a/b/c/token.txt", "deny:**/token.txt"),
            ("projects/demo/[x].txt", "projects/demo/[x].txt", "deny:projects/demo/\\[x\\].txt"),
            ("projects/demo/star*.txt", "projects/demo/star*.txt", "deny:projects/demo/star\\*.txt"),
        ] {
            assertHidden(v + "/" + path)
            assertDenyLogged(fx, path: denied, rule: rule, op: "lookup")
        }
        sweep(fx, hidden: ["projects/demo/private", "secret.txt", "projects/demo/token.txt",
                           "projects/demo/a/b/c/token.txt", "projects/demo/[x].txt", "projects/demo/star*.txt"])
    }
}
