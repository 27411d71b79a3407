import Foundation
import Glibc

/// The audit log's text form of a path: UTF-8 as itself, `\` as `\\`, any
/// other byte as `\xNN` (README, "Path escaping").
enum EscapeAuditText {
    static func of(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            var matched = false
            for length in [4, 3, 2, 1] where i + length <= bytes.count {
                if let s = String(validating: bytes[i..<i + length], as: UTF8.self), s.unicodeScalars.count == 1 {
                    out += s == "\\" ? "\\\\" : s
                    i += length
                    matched = true
                    break
                }
            }
            if !matched {
                out += String(format: "\\x%02x", bytes[i])
                i += 1
            }
        }
        return out
    }
}
