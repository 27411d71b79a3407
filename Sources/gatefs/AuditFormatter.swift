import GateAuditFormat
import GateAuditReader
import GateSystem

/// Renders records as aligned lines for people: local time, event, who,
/// path, then what is specific to the event, sizes in KiB/MiB.
///
/// Everything that came from the filesystem or a process name is made
/// terminal-safe first: a file named with escape sequences must not be able
/// to repaint the auditor's terminal.
struct AuditFormatter: Sendable {
    var color: Bool
    /// Times in UTC rather than the local zone (tests, and servers in UTC anyway).
    var utc: Bool

    init(color: Bool, utc: Bool = false) {
        self.color = color
        self.utc = utc
    }

    private enum Style: String {
        case plain = ""
        case dim = "\u{1B}[2m"
        case red = "\u{1B}[1;31m"
        case yellow = "\u{1B}[33m"
        case cyan = "\u{1B}[36m"
        case green = "\u{1B}[32m"
    }

    private func paint(_ text: String, _ style: Style) -> String {
        guard color, style != .plain else { return text }
        return style.rawValue + text + "\u{1B}[0m"
    }

    func format(_ record: AuditRecord) -> String {
        let style = eventStyle(record)
        let time = timeText(record.time)
        let event = pad(record.event, 12)
        var who = Self.sanitize(record.process ?? "?") + "[\(record.pid)]"
        who = pad(who, 20)
        var line = paint(time, .dim) + "  " + paint(event, style) + " " + who + " "
        let path = Self.sanitize(record.path)
        line += record.isDenial ? paint(path, .red) : path
        let details = self.details(record)
        if !details.isEmpty { line += "  " + details }
        if let container = record.container {
            line += "  " + paint("ctr:" + Self.sanitize(String(container.prefix(12))), .dim)
        }
        return line
    }

    private func eventStyle(_ record: AuditRecord) -> Style {
        if record.isDenial { return .red }
        switch record.kind {
        case .open where record.result != "ok", .opendir where record.result != "ok": return .yellow
        case .mount, .unmount, .header: return .cyan
        case .backpressure, .recover, .rotate: return .yellow
        case .open: return .green
        default: return .plain
        }
    }

    private func details(_ r: AuditRecord) -> String {
        let handle = r.handle.map { "h\($0)" } ?? ""
        switch r.kind {
        case .open:
            let result = r.result ?? "?"
            return "\(r.flags ?? "?") \(handle)" + (result == "ok" ? "" : "  " + paint("→ " + Self.sanitize(result), .red))
        case .read, .write:
            var text = "\(handle) \(Self.humanBytes(r.bytes ?? 0)) at \(r.offset ?? 0)"
            if let size = r.size, size != r.bytes { text += " (asked \(Self.humanBytes(size)))" }
            return text
        case .close:
            let reads = r.reads ?? 0
            var text = "\(handle) \(reads) read\(reads == 1 ? "" : "s"), \(Self.humanBytes(r.bytes ?? 0))"
            if let writes = r.writes {
                text += "; \(writes) write\(writes == 1 ? "" : "s"), \(Self.humanBytes(r.written ?? 0)) written"
            }
            return text
        case .deny:
            var text = "\(Self.sanitize(r.op ?? "?")) \(Self.sanitize(r.rule ?? "?")) → \(Self.sanitize(r.errno ?? "?"))"
            if let count = r.repeatCount {
                text += "  ×\(count) more"
                if let first = r.firstRepeat, let last = r.lastRepeat { text += " (\(timeText(first)) … \(timeText(last)))" }
            }
            return paint(text, .red)
        case .readdir:
            let entries = r.entries ?? 0
            return "\(entries) entr\(entries == 1 ? "y" : "ies")"
        case .opendir:
            let result = r.result ?? "?"
            return handle + (result == "ok" ? "" : "  " + paint("→ " + Self.sanitize(result), .red))
        case .xattr, .setxattr:
            return "\(Self.sanitize(r.name ?? "?")) \(Self.humanBytes(r.bytes ?? 0))"
        case .header:
            return headerDetails(r)
        case .rotate:
            var text = "deleted \(Self.sanitize(r.file ?? "?"))"
            if let seq = r.lastSeq { text += " (last seq \(seq), hash \(Self.sanitize(String((r.lastHash ?? "?").prefix(16))))…)" }
            return paint(text, .yellow)
        case .mount:
            let options = (r.options ?? []).map(Self.sanitize).joined(separator: ",")
            let write = (r.write ?? []).map(Self.sanitize).joined(separator: ", ")
            return "\(Self.sanitize(r.source ?? "?")) → \(Self.sanitize(r.mountpoint ?? "?"))  \(r.rules ?? 0) rules, policy \(Self.sanitize(String((r.policy ?? "?").prefix(19))))" + (options.isEmpty ? "" : " [\(options)]")
                + (write.isEmpty ? "" : "  write: \(write)")
        case .unmount:
            return Self.sanitize(r.mountpoint ?? "?")
        case .backpressure:
            let blocked = r.blocked ?? 0
            return paint("\(blocked) call\(blocked == 1 ? "" : "s") blocked \(Self.humanDuration(r.waitedMicroseconds ?? 0)) in all, longest \(Self.humanDuration(r.maxWaitMicroseconds ?? 0))", .yellow)
        case .recover:
            return paint("cut an incomplete \(r.tornBytes ?? 0)-byte line left by a crash", .yellow)
        default:
            return changeDetails(r)
        }
    }

    private func headerDetails(_ r: AuditRecord) -> String {
        if r.start == true { return "new file, start of the chain" }
        return "new file, continues the chain from hash \(Self.sanitize(String((r.previousHash ?? "?").prefix(16))))…"
    }

    func timeText(_ time: AuditTime) -> String {
        let millis = time.microseconds.floorDivided(by: 1_000_000).remainder / 1000
        var bytes: [UInt8] = []
        if utc {
            let text = time.rfc3339
            // 2026-11-23T09:01:02.123456Z → 2026-11-23 09:01:02.123
            return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(12))
        }
        let parts = Sys.localTime(time.microseconds.floorDivided(by: 1_000_000).quotient)
        // 2026-11-23 09:01:02.123: each field, then the separator after it.
        let fields: [(value: Int64, width: Int, separator: Unicode.Scalar?)] = [
            (parts.year, 4, "-"), (parts.month, 2, "-"), (parts.day, 2, " "),
            (parts.hour, 2, ":"), (parts.minute, 2, ":"), (parts.second, 2, "."), (millis, 3, nil),
        ]
        for field in fields {
            bytes.appendDigits(field.value, width: field.width)
            if let separator = field.separator { bytes.append(UInt8(ascii: separator)) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        let count = text.unicodeScalars.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    /// `1023 B`, `1.5 KiB`, `12.3 MiB`, `2.0 GiB`.
    static func humanBytes(_ count: UInt64) -> String {
        if count < 1024 { return "\(count) B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var scaled = Double(count) / 1024
        var unit = 0
        while scaled >= 1024 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        let tenths = Int((scaled * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// `850 µs`, `12.5 ms`, `3.2 s`.
    static func humanDuration(_ microseconds: UInt64) -> String {
        if microseconds < 1000 { return "\(microseconds) µs" }
        if microseconds < 1_000_000 {
            let tenths = (microseconds + 50) / 100
            return "\(tenths / 10).\(tenths % 10) ms"
        }
        let tenths = (microseconds + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// Replaces C0/C1 controls, DEL and bidirectional overrides with visible
    /// escapes (`\n`, `\x1b`, `\u{202e}`).
    static func sanitize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x100 {
                    var hex: [UInt8] = Array("\\x".utf8)
                    hex.appendHexByte(UInt8(scalar.value))
                    out += String(decoding: hex, as: UTF8.self)
                } else {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                }
            }
        }
        return out
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
