import GateSystem
import SystemPackage
import Glibc

/// Buffered writes to stdout by fd, bypassing stdio (whose global `stdout`
/// is not concurrency-safe to touch under Swift 6).
struct LogOutput {
    private var buffer: [UInt8] = []

    static var isColorTerminal: Bool {
        isatty(1) == 1 && getenv("NO_COLOR") == nil
    }

    /// Writes one whole report (a summary, a verification) and its newline.
    static func show(_ report: String) {
        var output = LogOutput()
        output.write(Array((report + "\n").utf8))
        output.flush()
    }

    mutating func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 64 << 10 { flush() }
    }

    mutating func flush() {
        do {
            try FileOutput.writeAll(.standardOutput, buffer)
        } catch {
            // EPIPE (reader went away) and other errors: nothing sensible to do but stop.
            exit(error.rawValue == EPIPE ? 0 : 1)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
