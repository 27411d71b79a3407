import GatePolicy

/// Builds policies from pattern text in tests; a bad pattern is a test bug.
func pattern(_ text: String) -> Pattern {
    do {
        return try Pattern(text)
    } catch {
        fatalError("test pattern \(text): \(error)")
    }
}

/// `write` patterns are allows too, as config and flags make them.
func spec(
    allow: [String] = [], write: [String] = [], deny: [String] = [], secrets: [(String, [String])] = [],
    except: [String] = [], hidden: [HiddenPath] = []
) -> PolicySpec {
    PolicySpec(
        allow: (allow + write).map(pattern), write: write.map(pattern), deny: deny.map(pattern),
        secrets: secrets.map { SecretEntry(name: $0.0, patterns: $0.1.map(pattern)) },
        secretExcept: except.map(pattern), hidden: hidden)
}

/// One expected decision: path, directory or not, visibility, rule text.
struct Expect: Sendable, CustomStringConvertible {
    let path: String
    let isDirectory: Bool
    let visibility: Visibility
    let rule: String

    var description: String { "\(path)\(isDirectory ? "/" : "")" }
}

func dir(_ path: String, _ visibility: Visibility, _ rule: String) -> Expect {
    Expect(path: path, isDirectory: true, visibility: visibility, rule: rule)
}

func file(_ path: String, _ visibility: Visibility, _ rule: String) -> Expect {
    Expect(path: path, isDirectory: false, visibility: visibility, rule: rule)
}
