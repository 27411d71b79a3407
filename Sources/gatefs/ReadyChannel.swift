import GateSystem
import SystemPackage

/// The pipe on which a background daemon tells the `gatefs mount` that
/// started it that the mount is live ("ready") or why it is not.
struct ReadyChannel: Sendable {
    /// The daemon's copy of the pipe (`--ready-fd`), nil in the foreground.
    let fd: FileDescriptor?

    init(fd: Int32?) {
        self.fd = fd.map(FileDescriptor.init(rawValue:))
    }

    /// The daemon's side. After reporting success it detaches from the
    /// terminal's stderr, so whoever waits for the starter's output sees EOF:
    /// stderr then goes to `debugLog` (what libfuse or the audit writer
    /// still has to say lands with the diagnostics), else to /dev/null.
    func succeed(standardErrorTo debugLog: FileDescriptor?) {
        guard let fd else { return }
        send("ready\n")
        FileOutput.close(fd)
        try? FileOutput.redirect(.standardError, to: debugLog)
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
