import Foundation
import Glibc

/// Programs on this machine that the end-to-end tests drive.
enum HostTools {
    /// The first executable `name` on PATH (then /usr/sbin, /usr/bin), or nil.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        for directory in directories where directory.hasPrefix("/") {
            let candidate = directory + "/" + name
            var st = stat()
            if stat(candidate, &st) == 0, st.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// The repository's root, found from this source file's path.
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // MountTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent().path
    }
}
