import GateSystem
import SystemPackage

/// The one way the CLI speaks to the user on stderr: problems as
/// "gatefs: MESSAGE", and the few notes and summaries meant for a person.
enum StandardError {
    /// One line, "gatefs: " and `message`.
    static func report(_ message: String) {
        write("gatefs: \(message)\n")
    }

    /// `text` as it is. Nothing sensible is left to do if stderr itself fails.
    static func write(_ text: String) {
        try? FileOutput.writeAll(.standardError, Array(text.utf8))
    }
}
