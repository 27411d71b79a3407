import Glibc

/// Buffered writes to stdout and stderr by fd, bypassing stdio (whose
/// global `stdout` is not concurrency-safe to touch under Swift 6).
struct LogOutput {
    private var buffer: [UInt8] = []

    static var isColorTerminal: Bool {
        isatty(1) == 1 && getenv("NO_COLOR") == nil
    }

    mutating func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 64 << 10 { flush() }
    }

    mutating func flush() {
        Self.writeAll(1, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func error(_ message: String) {
        writeAll(2, Array((message + "\n").utf8))
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                // EPIPE (reader went away) and other errors: nothing sensible to do but stop.
                guard n > 0 else { Glibc.exit(n < 0 && errno == EPIPE ? 0 : 1) }
                offset += n
            }
        }
    }
}
