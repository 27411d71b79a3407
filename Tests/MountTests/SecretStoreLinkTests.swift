import Foundation
import Glibc
import XCTest

/// Secret stores kept elsewhere and linked into place (GNU stow and dotfile
/// managers: `~/.ssh -> dotfiles/ssh`) are hidden at their real location too.
final class SecretStoreLinkTests: MountTestCase {
    func testSymlinkedSecretStoreIsHiddenAtItsTarget() throws {
        let fx = try makeFixture()
        let t = fx.tree
        try t.file("dotfiles/ssh/github_key", "SECRET-KEY-BYTES\n")
        try t.file("dotfiles/ssh/config", "Host x\n")
        try t.file("dotfiles/aws-real/credentials", "SECRET-AWS\n")
        try t.file("dotfiles/vimrc", "set nu\n")
        try t.symlink(".ssh", to: "dotfiles/ssh")
        try t.symlink(".aws", to: "dotfiles/aws-real")
        try t.file("projects/demo/a.txt", "a\n")
        try t.hardLink("projects/demo/key-copy", to: "dotfiles/ssh/github_key")
        try fx.mountLive(["--allow", "**"])

        assertSameEntries(try fx.find(fx.mountpoint), [
            "dotfiles", "dotfiles/vimrc", "projects", "projects/demo", "projects/demo/a.txt",
        ], "find VIEW")
        for path in ["dotfiles/ssh", "dotfiles/ssh/github_key", "dotfiles/aws-real/credentials", ".ssh", ".aws",
                     "projects/demo/key-copy"] {
            assertAbsent(fx.mountpoint + "/" + path)
        }
    }
}
