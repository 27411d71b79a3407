/// A wall-clock instant in whole microseconds since the Unix epoch, UTC.
///
/// The log's `time` field is this, written as RFC 3339 with exactly six
/// fraction digits and `Z` (`2026-11-23T09:01:02.123456Z`). Formatting and
/// parsing are done by hand (days-from-civil arithmetic) so the writer thread
/// neither allocates nor takes the locale lock that `strftime`/`gmtime_r` hit,
/// and so no instant passes through `Date`'s floating-point seconds, which
/// cannot hold today's microseconds exactly. The clock is read on the
/// writer's side (`AuditTime.now()` in GateAuditWriter).
public struct AuditTime: Sendable, Hashable, Comparable {
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    public static func < (lhs: AuditTime, rhs: AuditTime) -> Bool {
        lhs.microseconds < rhs.microseconds
    }

    /// `2026-11-23T09:01:02.123456Z`.
    public var rfc3339: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 form without allocating (beyond `buffer`'s growth).
    package func appendRFC3339(to buffer: inout [UInt8]) {
        let (days, dayMicros) = microseconds.floorDivided(by: 86_400_000_000)
        let (year, month, day) = AuditTime.civil(fromDays: days)
        let seconds = dayMicros / 1_000_000
        buffer.appendDigits(year, width: 4)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDigits(month, width: 2)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDigits(day, width: 2)
        buffer.append(UInt8(ascii: "T"))
        buffer.appendDigits(seconds / 3600, width: 2)
        buffer.append(UInt8(ascii: ":"))
        buffer.appendDigits(seconds / 60 % 60, width: 2)
        buffer.append(UInt8(ascii: ":"))
        buffer.appendDigits(seconds % 60, width: 2)
        buffer.append(UInt8(ascii: "."))
        buffer.appendDigits(dayMicros % 1_000_000, width: 6)
        buffer.append(UInt8(ascii: "Z"))
    }

    /// Parses RFC 3339 (`Z`, `z` or a `±HH:MM` offset; any number of fraction
    /// digits, truncated to microseconds; `T`, `t` or a space between date and
    /// time). A bare date `2026-11-23` means its midnight UTC.
    public init?(rfc3339 text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(width: 4), scanner.skip("-"),
            let month = scanner.number(width: 2), scanner.skip("-"),
            let day = scanner.number(width: 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let days = AuditTime.days(fromCivil: year, month, day)
        if scanner.atEnd {
            self.init(microseconds: days * 86_400_000_000)
            return
        }
        guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
            let hour = scanner.number(width: 2), scanner.skip(":"),
            let minute = scanner.number(width: 2), scanner.skip(":"),
            let second = scanner.number(width: 2), hour < 24, minute < 60, second <= 60
        else { return nil }
        var micros: Int64 = 0
        if scanner.skip(".") {
            var scale: Int64 = 100_000
            var any = false
            while let digit = scanner.digit() {
                micros += Int64(digit) * scale
                scale /= 10
                any = true
            }
            guard any else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if scanner.skip("Z") || scanner.skip("z") {
        } else if let sign = scanner.sign(), let oh = scanner.number(width: 2), scanner.skip(":"),
            let om = scanner.number(width: 2), oh < 24, om < 60
        {
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard scanner.atEnd else { return nil }
        let secondsOfDay = hour * 3600 + minute * 60 + second - offsetSeconds
        self.init(microseconds: (days * 86_400 + secondsOfDay) * 1_000_000 + micros)
    }

    /// Parses a `--since` value: RFC 3339 (see `init(rfc3339:)`) or a span back
    /// from `now` such as `90s`, `10m`, `2h`, `1d`, `1w` or `1h30m`.
    public static func parse(since text: String, now: AuditTime) -> AuditTime? {
        if let absolute = AuditTime(rfc3339: text) { return absolute }
        var total: Int64 = 0
        var value: Int64 = 0
        var haveDigits = false
        var anyUnit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow, next <= Int64.max / 1_000_000_000_000 else { return nil }
                value = next + Int64(byte - UInt8(ascii: "0"))
                haveDigits = true
            default:
                guard haveDigits else { return nil }
                let unit: Int64
                switch byte {
                case UInt8(ascii: "s"): unit = 1
                case UInt8(ascii: "m"): unit = 60
                case UInt8(ascii: "h"): unit = 3600
                case UInt8(ascii: "d"): unit = 86_400
                case UInt8(ascii: "w"): unit = 604_800
                default: return nil
                }
                total += value * unit
                value = 0
                haveDigits = false
                anyUnit = true
            }
        }
        guard anyUnit, !haveDigits else { return nil }
        return AuditTime(microseconds: now.microseconds - total * 1_000_000)
    }

    /// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Howard Hinnant's `days_from_civil`.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// A log's times decode from their RFC 3339 text (see `init(rfc3339:)`).
extension AuditTime: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let time = AuditTime(rfc3339: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "is not RFC 3339")
        }
        self = time
    }
}
