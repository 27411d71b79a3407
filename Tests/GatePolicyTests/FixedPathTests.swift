import Testing
import GatePolicy

/// The fixed-path API in both directions: a pattern naming one path, and a
/// path turned back into the pattern that names exactly it.
@Suite struct FixedPathTests {
    @Test(arguments: [
        ("a", "a"), ("dotfiles/ssh", "dotfiles/ssh"), ("a*b/c?d", "a\\*b/c\\?d"), ("[x]", "\\[x\\]"),
        ("back\\slash", "back\\\\slash"), ("é/😀", "é/😀"), ("*\u{301}", "\\*\u{301}"),
    ])
    func literalPathEscapesEveryMetacharacter(_ path: String, _ text: String) throws {
        let p = try Pattern(literalPath: path)
        #expect(p.text == text)
        let segments = path.split(separator: "/").map { Array($0.utf8) }
        #expect(p.fixedPath == FixedPath(anyDepth: false, segments: segments))
        #expect(p.fixedPath?.relativePath == path)
    }

    @Test func literalPathMatchesOnlyItself() throws {
        let p = try Pattern(literalPath: "s*/[ab]")
        #expect(p.matches(Array("s*/[ab]".utf8)))
        #expect(p.matches(Array("s*/[ab]/id_rsa".utf8)))
        #expect(!p.matches(Array("sx/a".utf8)))
        #expect(!p.matches(Array("s*/a".utf8)))
    }

    @Test(arguments: ["", "/", "a/./b", "..", "a\u{0}b"])
    func literalPathRejectsWhatNoPatternNames(_ path: String) {
        #expect(throws: PatternError.self) { try Pattern(literalPath: path) }
    }

    @Test func relativePathJoinsTheNames() {
        let fixed = FixedPath(anyDepth: true, segments: [Array(".docker".utf8), Array("config.json".utf8)])
        #expect(fixed.relativePath == ".docker/config.json")
    }

    @Test func entryFixedPathsKeepOrderAndMarkBuiltinsAnyDepth() {
        let patterns = [pattern(".ssh"), pattern("*.pem"), pattern("**/.aws/credentials"), pattern("a/b")]
        let user = SecretEntry(name: "mine", patterns: patterns)
        let builtin = SecretEntry(name: "ssh", patterns: patterns, builtin: true)
        let names: ([String]) -> [[UInt8]] = { $0.map { Array($0.utf8) } }
        #expect(user.fixedPaths == [
            FixedPath(anyDepth: false, segments: names([".ssh"])),
            FixedPath(anyDepth: true, segments: names([".aws", "credentials"])),
            FixedPath(anyDepth: false, segments: names(["a", "b"])),
        ])
        #expect(builtin.fixedPaths == [
            FixedPath(anyDepth: true, segments: names([".ssh"])),
            FixedPath(anyDepth: true, segments: names([".aws", "credentials"])),
            FixedPath(anyDepth: true, segments: names(["a", "b"])),
        ])
    }
}
