import Foundation
import Glibc

/// A command's raw stdout (names need not be UTF-8) and its stderr.
enum EscapeRawRun {
    struct Result: Sendable {
        let termination: Termination
        let stdout: [UInt8]
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    static func run(_ fx: MountFixture, _ argv: [String], timeout: Double = 60) -> Result {
        let stem = fx.directory + "/output/raw-" + UUID().uuidString
        defer {
            unlink(stem + ".out")
            unlink(stem + ".err")
        }
        do {
            let pid = try ProcessRunner.spawn(
                argv, environment: fx.environment, stdoutPath: stem + ".out", stderrPath: stem + ".err")
            let t = ProcessRunner.wait(pid, timeout: timeout)
            let out = (try? Data(contentsOf: URL(fileURLWithPath: stem + ".out"))).map(Array.init) ?? []
            let err = (try? Data(contentsOf: URL(fileURLWithPath: stem + ".err"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return Result(termination: t, stdout: out, stderr: err)
        } catch {
            return Result(termination: .exited(-1), stdout: [], stderr: "\(error)")
        }
    }
}
