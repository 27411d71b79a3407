import Foundation
import Glibc

/// Where the `gatefs` executable under test lives.
///
/// `GATEFS_BINARY` wins; otherwise the one SwiftPM built next to this test
/// bundle (`swift test` builds it because MountTests depends on it).
enum GatefsBinary {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static func path() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["GATEFS_BINARY"], !explicit.isEmpty {
            guard access(explicit, X_OK) == 0 else {
                throw Missing(description: "GATEFS_BINARY=\(explicit) is not an executable file")
            }
            return explicit
        }
        guard let exe = resolvedLink("/proc/self/exe") else {
            throw Missing(description: "cannot read /proc/self/exe to find the gatefs binary")
        }
        let candidate = (exe as NSString).deletingLastPathComponent + "/gatefs"
        guard access(candidate, X_OK) == 0 else {
            throw Missing(description: """
                no gatefs binary at \(candidate); build it (swift build) or set GATEFS_BINARY
                """)
        }
        return candidate
    }

    private static func resolvedLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
