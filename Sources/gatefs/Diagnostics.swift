import GateSystem
import Logging
import SystemPackage

/// The daemon's diagnostics: a `Logger` that is off without --debug (the
/// daemon then prints only what it always prints: its errors), else at
/// debug level to stderr or to the debug log file.
struct Diagnostics: Sendable {
    let log: Logger
    /// The open debug log file, if the diagnostics go to one.
    let file: OwnedFD?

    /// Opens `target`. A debug log that cannot be opened stops the mount
    /// before anything is mounted.
    init(_ target: DebugTarget?) throws {
        switch target {
        case nil:
            log = Logger(label: "gatefs") { _ in SwiftLogNoOpLogHandler() }
            file = nil
        case .standardError:
            log = Self.logger(writingTo: .standardError, file: nil)
            file = nil
        case .file(let path):
            let fd: OwnedFD
            do {
                fd = try FileOutput.openForAppending(path)
            } catch {
                throw CLIFailure("cannot open the debug log \(path): \(error)", code: CLIFailure.failed)
            }
            log = Self.logger(writingTo: fd.descriptor, file: fd)
            file = fd
        }
    }

    private static func logger(writingTo fd: FileDescriptor, file: OwnedFD?) -> Logger {
        var logger = Logger(label: "gatefs") { _ in DiagnosticLogHandler(fd: fd, file: file) }
        logger.logLevel = .debug
        return logger
    }
}
