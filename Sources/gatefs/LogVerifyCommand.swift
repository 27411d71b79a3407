import ArgumentParser
import GateAuditReader

/// `gatefs log verify [--strict] [FILE]`: checks the hash chain across rotated files.
struct LogVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the log's hash chain; print OK or the first broken, missing or reordered line.",
        discussion: """
            Every line must be a valid record, chained to the one before it; each file's header must \
            match the file before it; no rotated file may be missing below older ones. When the oldest \
            line present is not the chain's start (rotated away, deleted or cut), verify says so; with \
            --strict that fails. The chain has no key: anyone who can write the file can recompute it, \
            so keep a copy of the last seq and hash (or the log itself) off the machine. \
            Exit status: 0 when the chain holds, 1 when it is broken (or, with --strict, its start is \
            missing), 2 when the log cannot be read.
            """)

    @OptionGroup var log: LogFileOptions

    @Flag(help: "Also fail (exit 1) when the chain's start is missing: rotated away, deleted or cut off.")
    var strict = false

    func run() throws {
        let result: AuditVerification
        do {
            result = try AuditVerifier(path: log.path).verify()
        } catch {
            StandardError.report("\(error)")
            throw ExitCode(2)
        }
        LogOutput.show(result.report(strict: strict))
        if !result.isOK(strict: strict) { throw ExitCode(1) }
    }
}
