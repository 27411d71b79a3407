import Testing
import TOMLKit
@testable import GateConfig

@Suite struct TOMLLocatorTests {
    static let document = """
        # comment
        top = 1
        "quoted key" = 'v'
        a.b . c = "x"
        arr = [ 1,
          "two", # comment
          [3, "four"],
        ]
        inline = { k = "v", n = { m = 2 } }

        [t]
        k = 'lit'
        [[aot]]
        k = "first"
        [[aot]]
          k = "second"
        [aot.sub]
        z = 1
        [[aot.list]]
        y = 2
        """

    static let keys: [(DocumentPath, Int, Int)] = [
        ([.key("top")], 2, 1),
        ([.key("quoted key")], 3, 1),
        ([.key("a")], 4, 1),
        ([.key("a"), .key("b")], 4, 3),
        ([.key("a"), .key("b"), .key("c")], 4, 7),
        ([.key("inline"), .key("n"), .key("m")], 9, 27),
        ([.key("t")], 11, 2),
        ([.key("t"), .key("k")], 12, 1),
        ([.key("aot"), .index(0)], 13, 1),
        ([.key("aot"), .index(0), .key("k")], 14, 1),
        ([.key("aot"), .index(1)], 15, 1),
        ([.key("aot"), .index(1), .key("k")], 16, 3),
        ([.key("aot"), .index(1), .key("sub"), .key("z")], 18, 1),
        ([.key("aot"), .index(1), .key("list"), .index(0), .key("y")], 20, 1),
    ]

    static let values: [(DocumentPath, Int, Int)] = [
        ([.key("top")], 2, 7),
        ([.key("arr")], 5, 7),
        ([.key("arr"), .index(0)], 5, 9),
        ([.key("arr"), .index(1)], 6, 3),
        ([.key("arr"), .index(2)], 7, 3),
        ([.key("arr"), .index(2), .index(1)], 7, 7),
        ([.key("inline")], 9, 10),
        ([.key("inline"), .key("k")], 9, 16),
    ]

    @Test func keyLocations() throws {
        _ = try TOMLTable(string: Self.document)  // the locator only sees valid TOML
        let locator = TOMLLocator(Self.document)
        for (path, line, column) in Self.keys {
            #expect(locator.key(path) == SourceLocation(line: line, column: column), "\(path)")
        }
    }

    @Test func valueLocations() {
        let locator = TOMLLocator(Self.document)
        for (path, line, column) in Self.values {
            #expect(locator.value(path) == SourceLocation(line: line, column: column), "\(path)")
        }
    }

    /// The locator's own string decoding must agree with TOMLKit's.
    @Test(arguments: [
        #"s = "plain""#, #"s = 'lit\eral'"#, #"s = "tab\there \"q\" \\ \u00e9 \U0001F600""#,
        "s = \"\"\"\nline1\nline2\"\"\"", "s = '''\nraw \\n'''", "s = \"\"\"a \\\n    b\"\"\"", "s = \"\"\"x\"\"\"\"\"",
        "s = 'é ü'",
    ])
    func decodesLikeTOMLKit(_ text: String) throws {
        let table = try TOMLTable(string: text)
        let expected = try #require(table["s"]?.string)
        #expect(TOMLLocator(text).string([.key("s")])?.text == expected)
    }

    @Test func bytePositionsInsideStrings() throws {
        let text = "s = \"a\\u00e9b\"\n"
        let decoded = try #require(TOMLLocator(text).string([.key("s")]))
        #expect(decoded.bytes == Array("aéb".utf8))
        let columns = decoded.locations.map(\.column)
        #expect(columns == [6, 7, 7, 13])
    }

    /// Garbage must not trap or hang: the locator runs before nothing checks.
    @Test(arguments: ["[", "[[", "a = \"", "a = [", "a = {", "a.", "= 1", "'''", "\"\"\"\\", "a = [1, {b = ]"])
    func survivesMalformedInput(_ text: String) {
        _ = TOMLLocator(text)
    }
}
