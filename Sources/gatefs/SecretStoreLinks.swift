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
            let patterns = entry.fixedPaths.compactMap { fixed -> Pattern? in
                let literal = fixed.relativePath
                guard let real = Paths.real(source + "/" + literal),
                      let relative = Paths.relative(real, to: source),
                      !relative.isEmpty, relative != literal else { return nil }
                return try? Pattern(literalPath: relative)
            }
            if !patterns.isEmpty { out.secrets.append(SecretEntry(name: entry.name, patterns: patterns)) }
        }
        return out
    }
}
