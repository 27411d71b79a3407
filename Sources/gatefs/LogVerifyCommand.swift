import ArgumentParser
import GateAudit

/// `gatefs log verify [FILE]`: checks the hash chain across rotated files.
struct LogVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the log's hash chain; print OK or the first broken, missing or reordered line.",
        discussion: "Exit status: 0 when the chain holds, 1 when it is broken, 2 when the log cannot be read.")

    @OptionGroup var log: LogFileOptions

    func run() throws {
        let result: AuditVerification
        do {
            result = try AuditVerifier(path: log.path).verify()
        } catch {
            LogOutput.error("gatefs: \(error)")
            throw ExitCode(2)
        }
        var output = LogOutput()
        output.write(Array((result.report + "\n").utf8))
        output.flush()
        if !result.isOK { throw ExitCode(1) }
    }
}
