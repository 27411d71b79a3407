extension Policy {
    /// A deterministic text of every rule, one per line, for a digest that
    /// audit logs can quote to prove which policy was in force.
    ///
    /// Lines are `allow`, `write` (an allow that also grants write: its
    /// pattern is on an `allow` line too; a policy without grants has none),
    /// `deny`, `secret <entry>` (a user's entry) or
    /// `builtin-secret <entry>` (matched as `BuiltinMatching` says), `except`,
    /// `hidden <reason> exact|prefix`, each followed by a tab and the pattern
    /// text as written (or the hidden path). Version 2 added `builtin-secret`. Fields are percent-escaped (`%`, control
    /// bytes, and for hidden paths also non-ASCII bytes) so no field can
    /// forge a tab or line break, and a non-UTF-8 path still prints.
    public var canonicalText: String {
        var lines = ["gatefs-policy 2"]
        for pattern in spec.allow { lines.append("allow\t\(Self.escape(pattern.text))") }
        for pattern in spec.write { lines.append("write\t\(Self.escape(pattern.text))") }
        for pattern in spec.deny { lines.append("deny\t\(Self.escape(pattern.text))") }
        for entry in spec.secrets {
            for pattern in entry.patterns {
                let kind = entry.builtin ? "builtin-secret" : "secret"
                lines.append("\(kind) \(Self.escape(entry.name))\t\(Self.escape(pattern.text))")
            }
        }
        for pattern in spec.secretExcept { lines.append("except\t\(Self.escape(pattern.text))") }
        for hidden in spec.hidden {
            let mode = hidden.prefixMatch ? "prefix" : "exact"
            lines.append("hidden \(Self.escape(hidden.reason)) \(mode)\t\(Self.escape(bytes: hidden.path))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "%" {
                out += percent(UInt8(scalar.value))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func escape(bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes {
            if b < 0x20 || b >= 0x7F || b == UInt8(ascii: "%") {
                out += percent(b)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(b))
            }
        }
        return out
    }

    private static func percent(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        var s = "%"
        s.unicodeScalars.append(digits[Int(b >> 4)])
        s.unicodeScalars.append(digits[Int(b & 0xF)])
        return s
    }
}
