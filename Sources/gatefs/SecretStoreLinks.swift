import Foundation
import GatePolicy

/// Secret stores reached through symlinks, as GNU stow and dotfile managers
/// make them (`~/.ssh -> dotfiles/ssh`), are hidden at their real location
/// too, under the same entry name. Resolved once at mount, in the CLI (the
/// daemon itself never follows a symlink); a link created later is not seen.
enum SecretStoreLinks {
    static func resolve(_ spec: PolicySpec, source: String) -> PolicySpec {
        var out = spec
        for entry in spec.secrets {
            var patterns: [Pattern] = []
            for pattern in entry.patterns {
                guard let fixed = pattern.fixedPath else { continue }
                let literal = fixed.segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
                guard let real = Paths.real(source + "/" + literal),
                      let relative = Paths.relative(real, to: source),
                      !relative.isEmpty, relative != literal,
                      let resolved = try? Pattern(escape(relative)) else { continue }
                patterns.append(resolved)
            }
            if !patterns.isEmpty { out.secrets.append(SecretEntry(name: entry.name, patterns: patterns)) }
        }
        return out
    }

    static func escape(_ path: String) -> String {
        var out = ""
        for c in path {
            if "*?[]\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
