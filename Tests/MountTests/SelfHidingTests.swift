import Foundation
import Glibc
import XCTest

/// gatefs's own files inside the source (its mountpoint, its audit log)
/// are not part of the view, so a walk of the view neither recurses into
/// itself nor reads the log.
final class SelfHidingTests: MountTestCase {
    func testMountpointAndLogInsideTheSourceAreHidden() throws {
        let fx = try makeFixture()
        try fx.tree.file("projects/demo/a.txt", "a\n")
        try fx.tree.directory("state")
        try fx.tree.directory("view")
        let view = fx.source + "/view"
        let log = fx.source + "/state/access.jsonl"
        try fx.mountLive(["--allow", "**"], at: view, log: log)

        // A view that contained itself would make find recurse (or hang the daemon).
        assertSameEntries(try fx.find(view, timeout: 60), [
            "projects", "projects/demo", "projects/demo/a.txt", "state",
        ], "find VIEW")
        assertAbsent(view + "/view")
        assertAbsent(view + "/state/access.jsonl")
        assertListing(view + "/state", [])
        XCTAssertEqual(Posix.lstatError(log), 0, "the daemon did not create its log at \(log)")

        // The log is hidden by identity too: a hard link to it in an allowed folder stays hidden.
        try fx.tree.hardLink("projects/demo/log-copy.jsonl", to: "state/access.jsonl")
        assertAbsent(view + "/projects/demo/log-copy.jsonl")
        // Nor can a symlink reach the log or the view.
        try fx.tree.symlink("projects/demo/log-link", to: "../../state/access.jsonl")
        try fx.tree.symlink("projects/demo/view-link", to: "../../view")
        assertAbsent(view + "/projects/demo/log-link")
        assertAbsent(view + "/projects/demo/view-link")
        assertListing(view + "/projects/demo", ["a.txt"])

        let unmount = try fx.unmount(view)
        XCTAssertEqual(unmount.exitCode, 0, "\(unmount)")
        XCTAssertFalse(KernelMounts.isMounted(view))
    }
}
