import GateAuditFormat
import GateAuditReader
import GateSystem

/// What `gatefs log` does, minus argument parsing: filter lines and render
/// them for people or pass them through as JSON, from a finished log or one
/// still being written.
struct AuditLogView: Sendable {
    var filter: AuditFilter
    /// Pass matching lines through unchanged instead of formatting them.
    var json: Bool
    var formatter: AuditFormatter

    init(filter: AuditFilter, json: Bool, formatter: AuditFormatter) {
        self.filter = filter
        self.json = json
        self.formatter = formatter
    }

    /// The bytes to print for `line` (newline included), or nil when it is filtered out.
    ///
    /// A line that does not parse is passed through in JSON mode when no
    /// filter is set (it is still the log's content); for people it becomes a
    /// visible warning rather than vanishing silently.
    func render(_ line: AuditLine) -> [UInt8]? {
        let record: AuditRecord
        do {
            record = try line.parse()
        } catch {
            if json { return filter.isEmpty ? line.bytes + [0x0A] : nil }
            return Array("?? \(AuditFormatter.sanitize(line.file)):\(line.number): unreadable line (\(error))\n".utf8)
        }
        guard filter.matches(record) else { return nil }
        if json { return line.bytes + [0x0A] }
        return Array((formatter.format(record) + "\n").utf8)
    }

    /// Prints every matching line of the log and its rotated predecessors.
    func show(path: String, emit: ([UInt8]) -> Void) throws(AuditLogError) {
        let reader = try AuditReader(path: path)
        while let line = try reader.next() {
            if let bytes = render(line) { emit(bytes) }
        }
    }

    /// Prints the rotated predecessors, then follows the current file until
    /// `keepGoing` returns false, polling every `pollMicroseconds`. `flush`
    /// runs after each poll that printed something, so a pipe sees lines promptly.
    func follow(
        path: String, pollMicroseconds: UInt32 = 200_000, keepGoing: () -> Bool = { true },
        emit: ([UInt8]) -> Void, flush: () -> Void
    ) throws(AuditLogError) {
        for file in AuditFileSet.files(for: path) where file != path {
            let reader = try AuditReader(path: file, includeRotated: false)
            while let line = try reader.next() {
                if let bytes = render(line) { emit(bytes) }
            }
        }
        flush()
        let follower = AuditFollower(path: path)
        while keepGoing() {
            var printed = false
            for line in follower.poll() {
                if let bytes = render(line) {
                    emit(bytes)
                    printed = true
                }
            }
            if printed { flush() }
            Sys.sleep(microseconds: pollMicroseconds)
        }
    }
}
