import Foundation
import Glibc

/// The pipe on which a background daemon tells the `gatefs mount` that
/// started it that the mount is live ("ready") or why it is not.
struct ReadyChannel: Sendable {
    let fd: Int32?

    /// The daemon's side. After reporting success it detaches from the
    /// terminal's stderr, so whoever waits for the starter's output sees EOF.
    func succeed() {
        guard let fd else { return }
        send("ready\n")
        close(fd)
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 {
            dup2(null, STDERR_FILENO)
            close(null)
        }
    }

    func fail(_ message: String) {
        guard let fd else { return }
        send("error: \(message)\n")
        close(fd)
    }

    private func send(_ text: String) {
        guard let fd else { return }
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }
}
