import Foundation
import GateSystem
import Logging
import SystemPackage

/// Writes the daemon's diagnostics as lines to one descriptor (stderr or
/// the `--debug-log` file), never to the audit log:
/// `2026-12-03T10:15:42.125Z gatefs[4242] debug: mount plan key=value …`.
/// Each line is one write(2), so lines from different threads do not mix.
struct DiagnosticLogHandler: LogHandler {
    let fd: FileDescriptor
    /// The debug log file's owner, so that it stays open while any copy of
    /// the logger can write to it; nil for stderr.
    let file: OwnedFD?
    var logLevel: Logger.Level = .debug
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        var line = "\(time) gatefs[\(getpid())] \(event.level): \(event.message)"
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in fields.keys.sorted() {
            line += " \(key)=\(fields[key]!)"
        }
        try? FileOutput.writeAll(fd, Array((line + "\n").utf8))
    }
}
