import Foundation
import Glibc
import XCTest

/// Identity beats names: a hard link to a file inside a fixed-path secret
/// store is hidden wherever it is linked, while ordinary hard links show.
final class HardLinkTests: MountTestCase {
    func testHardLinksToSecretsAreHiddenAndOrdinaryOnesShown() throws {
        let fx = try makeFixture()
        let t = fx.tree
        try t.file(".ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
        try t.file(".aws/credentials", "[default]\naws_secret_access_key = x\n")
        try t.file(".docker/config.json", "{\"auths\":{\"x\":{\"auth\":\"y\"}}}\n")
        try t.file("projects/demo/a.txt", "shared bytes\n")
        try t.file("projects/demo/plain.txt", "plain\n")
        try t.hardLink("projects/demo/b.txt", to: "projects/demo/a.txt")
        try t.hardLink("projects/demo/innocent.txt", to: ".ssh/id_ed25519")
        try t.hardLink("projects/demo/deep/er/aws.ini", to: ".aws/credentials")
        try t.hardLink("projects/demo/docker.json", to: ".docker/config.json")
        try fx.mountLive(["--allow", "projects/demo"])
        let d = fx.mountpoint + "/projects/demo"

        assertSameEntries(try fx.find(fx.mountpoint), [
            "projects", "projects/demo", "projects/demo/a.txt", "projects/demo/b.txt", "projects/demo/plain.txt",
            "projects/demo/deep", "projects/demo/deep/er",
        ], "find VIEW")
        for name in ["innocent.txt", "deep/er/aws.ini", "docker.json"] {
            assertAbsent(d + "/" + name)
            assertErrno(ENOENT, "open \(name)", closingResult: true) { open(d + "/" + name, O_RDONLY) }
        }
        assertSameBytes(d + "/a.txt", fx.source + "/projects/demo/a.txt")
        assertSameBytes(d + "/b.txt", fx.source + "/projects/demo/a.txt")
        XCTAssertEqual(Posix.lstatInfo(d + "/b.txt").map { UInt64($0.st_nlink) }, 2, "nlink of b.txt through the view")
    }

    /// A secret created after the mount is found by the periodic rescan
    /// (at most once a second), so its hard link is hidden too.
    func testHardLinkToASecretCreatedAfterMountIsHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file(".ssh/id_ed25519", "old key\n")
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.mountLive(["--allow", "projects/demo"])
        assertListing(fx.mountpoint + "/projects/demo", ["a.txt"])

        try fx.tree.file(".ssh/id_new", "new key\n")
        try fx.tree.hardLink("projects/demo/late.txt", to: ".ssh/id_new")
        usleep(1_200_000)   // past the rescan interval
        assertAbsent(fx.mountpoint + "/projects/demo/late.txt")
        assertListing(fx.mountpoint + "/projects/demo", ["a.txt"])
    }
}
