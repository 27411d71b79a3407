import Foundation
import Glibc
import XCTest

/// Finding 2: a hard link's secrecy follows its identity, not the moment
/// the identity set was last scanned. A file becomes a secret when the
/// directory holding it moves into a store (which changes neither the
/// file's ctime nor its link count), and a file known to be a secret stays
/// one while its store is renamed away and back. Stores nested below the
/// root are stores too, and so are their files' hard links.
///
/// Every link here is older than the mount (`oldLinkSeconds`): a fix must
/// not rely on the ctime of a link made a moment ago.
final class EscapeStoreMoveTests: EscapeTestCase {
    /// Older than the scan's ctime slack (2 s), so no lookup triggers a rescan by itself.
    static let oldLinkSeconds: UInt32 = 3

    func testFinding2HardLinkedSecretIsHiddenRightAfterItsDirectoryMovesIntoAStore() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try fx.tree.directory(".ssh")
        try secret(fx, ".ssh/id_ed25519")
        try secret(fx, "staging/id_work")
        try secret(fx, "staging/id_other")
        try fx.tree.hardLink("projects/demo/w.txt", to: "staging/id_work")
        try fx.tree.hardLink("projects/demo/w2.txt", to: "staging/id_other")
        sleep(Self.oldLinkSeconds)
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"

        // Before the move the files are not secrets: w.txt is read (so the
        // kernel holds its name), w2.txt is not looked up at all.
        _ = Posix.readFile(d + "/w.txt")
        XCTAssertEqual(rename(fx.source + "/staging", fx.source + "/.ssh/work"), 0, "mv staging .ssh/work: \(Posix.name(errno))")
        // At once, no sleep: both names now lead into ~/.ssh.
        assertUnreadable(d + "/w.txt")
        assertUnreadable(d + "/w2.txt")
        assertDenyLogged(fx, path: "projects/demo/w.txt", rule: "hardlink-secret")
        assertDenyLogged(fx, path: "projects/demo/w2.txt", rule: "hardlink-secret")
        sweep(fx, hidden: ["projects/demo/w.txt", "projects/demo/w2.txt", ".ssh", "staging"])
    }

    /// `.ssh` leaves (renamed `ssh-away`), a rescan runs while it is away,
    /// and it comes back: the link to a key found at mount stays hidden
    /// throughout. Each check waits out the kernel's negative-entry timeout
    /// first, so it reaches the daemon instead of a cached "no such name".
    func testFinding2KnownSecretLinkStaysHiddenWhileItsStoreIsRenamedAwayAndBack() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/other", "other\n")
        try secret(fx, ".ssh/id_a")
        try fx.tree.hardLink("projects/demo/a.txt", to: ".ssh/id_a")
        sleep(Self.oldLinkSeconds)
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"
        let pastNegativeTimeout: UInt32 = 1_500_000

        assertUnreadable(d + "/a.txt")
        assertDenyLogged(fx, path: "projects/demo/a.txt", rule: "hardlink-secret")

        XCTAssertEqual(rename(fx.source + "/.ssh", fx.source + "/ssh-away"), 0, "mv .ssh ssh-away: \(Posix.name(errno))")
        usleep(pastNegativeTimeout)
        assertUnreadable(d + "/a.txt")

        // A fresh hard link elsewhere makes the daemon rescan the stores now.
        try fx.tree.hardLink("projects/demo/other2", to: "projects/demo/other")
        XCTAssertEqual(Posix.statError(d + "/other2"), 0, "stat other2 (an ordinary hard link) through the view")
        usleep(pastNegativeTimeout)
        assertUnreadable(d + "/a.txt")

        XCTAssertEqual(rename(fx.source + "/ssh-away", fx.source + "/.ssh"), 0, "mv ssh-away .ssh: \(Posix.name(errno))")
        usleep(pastNegativeTimeout)
        assertUnreadable(d + "/a.txt")
        sweep(fx, hidden: ["projects/demo/a.txt", ".ssh", "ssh-away"])
    }

    /// `projects/old/.ssh` is a store below the root. Once the view has
    /// listed `projects/old` (and so met that store), a hard link to its key
    /// elsewhere is hidden.
    func testFinding2HardLinkIntoANestedStoreIsHiddenOnceTheStoreWasSeen() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/old/notes.txt", "old notes\n")
        try fx.tree.file("projects/demo/README.md", "readme\n")
        try secret(fx, "projects/old/.ssh/id_x")
        try fx.tree.hardLink("projects/demo/innocent.txt", to: "projects/old/.ssh/id_x")
        sleep(Self.oldLinkSeconds)
        try fx.mountLive(["--allow", "**"])
        let v = fx.mountpoint

        let ls = try fx.run(["/bin/ls", "-a", v + "/projects/old"])
        XCTAssertEqual(ls.exitCode, 0, "\(ls)")
        XCTAssertFalse(ls.stdout.split(separator: "\n").contains(".ssh"), "ls projects/old lists the nested store: \(ls.stdout)")
        assertUnreadable(v + "/projects/old/.ssh/id_x")
        assertUnreadable(v + "/projects/demo/innocent.txt")
        assertDenyLogged(fx, path: "projects/demo/innocent.txt", rule: "hardlink-secret")
        sweep(fx, hidden: ["projects/old/.ssh", "projects/demo/innocent.txt"])
    }

    /// A view of a directory of homes: `alice/.aws` is a store one level
    /// below the root, pre-scanned at mount, so its key's hard link is hidden
    /// on the very first request, with nothing listed before.
    func testFinding2HardLinkIntoAStoreOneLevelBelowTheRootIsHiddenWithoutAListing() throws {
        let fx = try makeFixture()
        try fx.tree.file("alice/work/README.md", "readme\n")
        try secret(fx, "alice/.aws/credentials")
        try fx.tree.hardLink("alice/work/c.txt", to: "alice/.aws/credentials")
        sleep(Self.oldLinkSeconds)
        try fx.mountLive(["--allow", "alice"])
        let v = fx.mountpoint

        assertUnreadable(v + "/alice/work/c.txt")
        assertDenyLogged(fx, path: "alice/work/c.txt", rule: "hardlink-secret")
        assertUnreadable(v + "/alice/.aws/credentials")
        sweep(fx, hidden: ["alice/.aws", "alice/work/c.txt"])
    }

    /// Round 2's adversarial pass, finding 1: a key known by identity stays
    /// hidden when its link count drops to 1 — its store copy deleted, or the
    /// key moved out of its store, or the store renamed to an innocent name.
    func testAdversarial1KnownSecretStaysHiddenAtOneLink() throws {
        let fx = try makeFixture()
        try secret(fx, ".ssh/deploy")
        try secret(fx, ".ssh/config")
        try fx.tree.hardLink("projects/rot", to: ".ssh/deploy")
        try fx.tree.file("projects/readme.md", "readme\n")
        sleep(Self.oldLinkSeconds)
        try fx.mountLive(["--allow", "**"])
        let v = fx.mountpoint
        assertUnreadable(v + "/projects/rot")

        XCTAssertEqual(unlink(fx.source + "/.ssh/deploy"), 0)
        usleep(1_500_000)  // past the negative entry's timeout
        assertUnreadable(v + "/projects/rot")

        try secret(fx, ".ssh/mykey")
        XCTAssertEqual(Posix.statError(v + "/projects/readme.md"), 0)
        usleep(300_000)  // the background rescan after the create
        XCTAssertEqual(rename(fx.source + "/.ssh/mykey", fx.source + "/projects/mykey"), 0)
        assertUnreadable(v + "/projects/mykey")

        XCTAssertEqual(rename(fx.source + "/.ssh", fx.source + "/dot-ssh-away"), 0)
        assertUnreadable(v + "/dot-ssh-away/config")
        sweep(fx, hidden: ["projects/rot", "projects/mykey", ".ssh", "dot-ssh-away/config"])
    }

    /// Finding 2 of the same pass: stores whose names are case or backup
    /// variants, at the root and one level below, are scanned at mount, so
    /// their keys' hard links are hidden before anything is listed.
    func testAdversarial2HardLinksIntoVariantStoresNearTheRootAreHiddenAtOnce() throws {
        let fx = try makeFixture()
        try secret(fx, ".ssh.bak/work")
        try secret(fx, ".AWS/credentials")
        try secret(fx, "alice/.ssh~/k")
        try fx.tree.hardLink("projects/y/innocent1", to: ".ssh.bak/work")
        try fx.tree.hardLink("projects/y/innocent2", to: ".AWS/credentials")
        try fx.tree.hardLink("projects/y/innocent3", to: "alice/.ssh~/k")
        sleep(Self.oldLinkSeconds)
        try fx.mountLive(["--allow", "**"])
        let v = fx.mountpoint
        for name in ["innocent1", "innocent2", "innocent3"] {
            assertUnreadable(v + "/projects/y/" + name)
            assertDenyLogged(fx, path: "projects/y/" + name, rule: "hardlink-secret")
        }
        sweep(fx, hidden: [".ssh.bak", ".AWS", "alice/.ssh~", "projects/y/innocent1", "projects/y/innocent2",
                           "projects/y/innocent3"])
    }

    /// Second adversarial pass, finding 1: the view met `projects/x/.aws`,
    /// then the host renamed a folder above it (and, separately, a store at
    /// the root to a variant name). A secret created in the moved store
    /// afterwards and hard-linked into a visible folder must be hidden,
    /// without the view listing the store again.
    func testAdversarial2bStoreRenamedAfterTheViewMetItIsStillScanned() throws {
        let fx = try makeFixture()
        try secret(fx, "projects/x/.aws/credentials")
        try secret(fx, ".ssh/id_old")
        try fx.tree.file("notes/readme.md", "readme\n")
        sleep(Self.oldLinkSeconds)
        try fx.mountLive(["--allow", "**"])
        let v = fx.mountpoint
        XCTAssertEqual(Posix.statError(v + "/projects/x"), 0)
        _ = try? FileManager.default.contentsOfDirectory(atPath: v + "/projects/x")   // the view meets .aws

        XCTAssertEqual(rename(fx.source + "/projects/x", fx.source + "/projects/y"), 0)
        XCTAssertEqual(rename(fx.source + "/.ssh", fx.source + "/.ssh.bak"), 0)
        try secret(fx, "projects/y/.aws/credentials2")
        try secret(fx, ".ssh.bak/id_new")
        try fx.tree.hardLink("notes/leak", to: "projects/y/.aws/credentials2")
        try fx.tree.hardLink("notes/innocent", to: ".ssh.bak/id_new")
        for name in ["leak", "innocent"] {
            assertUnreadable(v + "/notes/" + name)
            assertDenyLogged(fx, path: "notes/" + name, rule: "hardlink-secret")
        }
        sweep(fx, hidden: ["notes/leak", "notes/innocent", "projects/y/.aws", ".ssh.bak"])
    }
}
