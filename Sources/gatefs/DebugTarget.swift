/// Where `mount --debug` sends the daemon's diagnostics.
enum DebugTarget: Sendable, Equatable {
    /// The daemon's stderr (a foreground mount's terminal).
    case standardError
    /// A file, appended to: `--debug-log FILE`.
    case file(String)

    var file: String? {
        if case .file(let path) = self { return path }
        return nil
    }
}
