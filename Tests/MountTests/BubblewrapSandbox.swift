import Foundation
import XCTest

/// bubblewrap run as a real non-root user: `setpriv` drops to uid/gid 1000
/// with no supplementary groups (no passwd entry is needed), then bwrap
/// builds a sandbox with every namespace unshared (user namespaces need no
/// privilege here; Debian's bwrap is not setuid), the host's /usr read-only
/// for the tools, and the view bound read-only at /workspace. Nothing of
/// the host's home or of the test's temp directory is bound.
struct BubblewrapSandbox: Sendable {
    static let agentUID: UInt32 = 1000

    let bwrap: String
    let setpriv: String

    /// The sandbox tools, or an XCTSkip when bwrap or setpriv is not installed.
    static func require() throws -> BubblewrapSandbox {
        guard let bwrap = HostTools.find("bwrap") else {
            throw XCTSkip("bubblewrap (bwrap) is not installed; `sudo bash .ci/setup-containers` installs it (CI runs it)")
        }
        guard let setpriv = HostTools.find("setpriv") else {
            throw XCTSkip("setpriv (util-linux) is not installed")
        }
        return BubblewrapSandbox(bwrap: bwrap, setpriv: setpriv)
    }

    /// `sh -c SCRIPT sh ARGS...` inside the sandbox, as uid/gid 1000.
    func arguments(view: String, script: String, scriptArguments: [String] = []) -> [String] {
        [
            setpriv, "--reuid", "\(Self.agentUID)", "--regid", "\(Self.agentUID)", "--clear-groups",
            bwrap, "--unshare-all", "--die-with-parent", "--new-session",
            "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "LC_ALL", "C",
            "--ro-bind", view, "/workspace",
            "--ro-bind", "/usr", "/usr",
            // Debian 12 has merged /usr: the top-level directories are links into it.
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/",
            "/bin/sh", "-c", script, "sh",
        ] + scriptArguments
    }
}
