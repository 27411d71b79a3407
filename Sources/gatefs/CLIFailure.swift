import ArgumentParser

/// A failure the user can act on: printed as one line naming the file or
/// path involved, then the process exits with `code`.
struct CLIFailure: Error, CustomStringConvertible {
    /// Bad input (config, flags, paths): nothing was mounted.
    static let badInput: Int32 = 2
    /// The operation was attempted and failed (busy, daemon died, ...).
    static let failed: Int32 = 1

    let message: String
    let code: Int32

    init(_ message: String, code: Int32 = CLIFailure.badInput) {
        self.message = message
        self.code = code
    }

    var description: String { message }
}

/// Runs a command body, turning a `CLIFailure` into its message and exit
/// code. A background daemon (`ready` has a pipe) reports through the pipe
/// instead, and the `gatefs mount` that started it prints it.
func reporting(through ready: ReadyChannel = ReadyChannel(fd: nil), _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CLIFailure {
        if ready.fd != nil {
            ready.fail(failure.message)
        } else {
            StandardError.report(failure.message)
        }
        throw ExitCode(failure.code)
    }
}
