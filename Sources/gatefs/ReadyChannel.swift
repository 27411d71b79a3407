import GateSystem

/// The pipe on which a background daemon tells the `gatefs mount` that
/// started it that the mount is live ("ready") or why it is not.
struct ReadyChannel: Sendable {
    let fd: Int32?

    /// The daemon's side. After reporting success it detaches from the
    /// terminal's stderr, so whoever waits for the starter's output sees EOF:
    /// stderr then goes to `debugLog` (what libfuse or the audit writer
    /// still has to say lands with the diagnostics), else to /dev/null.
    func succeed(standardErrorTo debugLog: Int32?) {
        guard let fd else { return }
        send("ready\n")
        FileOutput.close(fd)
        try? FileOutput.redirect(2, to: debugLog)
    }

    func fail(_ message: String) {
        guard let fd else { return }
        send("error: \(message)\n")
        FileOutput.close(fd)
    }

    private func send(_ text: String) {
        guard let fd else { return }
        try? FileOutput.writeAll(fd, Array(text.utf8))
    }
}
