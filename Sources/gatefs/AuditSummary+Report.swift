import GateAuditReader

/// `gatefs log summary`'s report, and the session summary `gatefs run` prints.
extension AuditSummary {
    /// A plain-text report; `top` limits each table.
    func render(top: Int = 10) -> String {
        var out: [String] = []
        let span = first.map { f in "\(f.rfc3339) … \((last ?? f).rfc3339)" } ?? "no events"
        out.append("\(lines) lines, \(span)")
        let counts = AuditFilter.knownEvents.compactMap { name in eventCounts[name].map { "\(name) \($0)" } }
        out.append("events: " + (counts.isEmpty ? "none" : counts.joined(separator: ", ")))
        if directoryOpens > 0 {
            out.append("directories opened: \(directoryOpens)" + (refusedDirectoryOpens > 0 ? " (\(refusedDirectoryOpens) refused)" : ""))
        }
        if denials > 0 { out.append("denials: \(denials)") }
        if !rotatedAway.isEmpty {
            out.append("rotated away: \(rotatedAway.count) file\(rotatedAway.count == 1 ? "" : "s") (older lines are gone)")
        }
        if backpressureMicroseconds > 0 {
            out.append("backpressure: callers blocked \(AuditFormatter.humanDuration(backpressureMicroseconds)) in all")
        }

        let byBytes = paths.filter { $0.value.opens > 0 || $0.value.bytes > 0 }
            .sorted { ($0.value.bytes, $0.value.opens, $1.key) > ($1.value.bytes, $1.value.opens, $0.key) }
        out.append("")
        out.append("Files read (by bytes)" + (byBytes.count > top ? ", top \(top) of \(byBytes.count)" : ""))
        for (path, stats) in byBytes.prefix(top) {
            out.append("  " + leftPad(AuditFormatter.humanBytes(stats.bytes), 10) + "  " + leftPad("\(stats.opens)", 5) + " open\(stats.opens == 1 ? " " : "s")  " + AuditFormatter.sanitize(path))
        }
        if byBytes.isEmpty { out.append("  none") }

        out.append("")
        out += changeReport(top: top)

        let rules = denialsByRule.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        out.append("")
        out.append("Denials by rule")
        for (rule, count) in rules.prefix(top) {
            out.append("  " + leftPad("\(count)", 7) + "  " + AuditFormatter.sanitize(rule))
        }
        if rules.isEmpty { out.append("  none") }

        let denied = paths.filter { $0.value.denials > 0 }.sorted { ($0.value.denials, $1.key) > ($1.value.denials, $0.key) }
        if !denied.isEmpty {
            out.append("")
            out.append("Most denied paths")
            for (path, stats) in denied.prefix(top) {
                out.append("  " + leftPad("\(stats.denials)", 7) + "  " + AuditFormatter.sanitize(path))
            }
        }

        let busiest = processes.sorted { ($0.value.events, $1.key) > ($1.value.events, $0.key) }
        out.append("")
        out.append("Top processes" + "  " + leftPad("events", 8) + leftPad("opens", 8) + leftPad("read", 12) + leftPad("denials", 9))
        for (name, stats) in busiest.prefix(top) {
            let label = AuditFormatter.sanitize(name)
            out.append("  " + label + String(repeating: " ", count: max(1, 13 - label.count)) + leftPad("\(stats.events)", 8) + leftPad("\(stats.opens)", 8)
                + leftPad(AuditFormatter.humanBytes(stats.bytes), 12) + leftPad("\(stats.denials)", 9))
        }
        return out.joined(separator: "\n")
    }

    /// "Files changed": bytes and writes per path, then its other change events.
    private func changeReport(top: Int) -> [String] {
        let ranked = changes.sorted {
            ($0.value.bytesWritten, $0.value.writes, $1.key) > ($1.value.bytesWritten, $1.value.writes, $0.key)
        }
        var out = ["Files changed (by bytes written)" + (ranked.count > top ? ", top \(top) of \(ranked.count)" : "")]
        for (path, stats) in ranked.prefix(top) {
            let events = AuditFilter.knownEvents.compactMap { name in
                stats.events[name].map { $0 == 1 ? name : "\(name) ×\($0)" }
            }
            out.append("  " + leftPad(AuditFormatter.humanBytes(stats.bytesWritten), 10) + "  " + leftPad("\(stats.writes)", 5)
                + " write\(stats.writes == 1 ? " " : "s")  " + AuditFormatter.sanitize(path)
                + (events.isEmpty ? "" : "  (" + events.joined(separator: ", ") + ")"))
        }
        if ranked.isEmpty { out.append("  none") }
        return out
    }

    private func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
