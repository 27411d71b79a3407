/// How the rules of a built-in secret entry (`SecretEntry.builtin`) match.
///
/// - **Any depth.** A built-in pattern `P` is compiled as `**/P`, so `.ssh`
///   hides `.ssh` in the source root and in every directory below it (a
///   pattern that already starts with `**` is left as it is).
/// - **ASCII case folding.** Bytes `A`–`Z` of the name are lowered before
///   comparing, and so are the literal characters of the pattern: `ID_RSA`,
///   `.SSH` and `key.PEM` match. Other bytes (everything in UTF-8 beyond
///   ASCII) compare exactly. A `[...]` class in a built-in pattern is
///   compared with the lowered name, so built-in classes are written in
///   lowercase.
/// - **Editor and backup variants.** Every segment of a built-in pattern also
///   matches the variants of a name it matches: `NAME~`, `NAME.bak`,
///   `NAME.orig`, `NAME.old`, `NAME.swp`, vim's `.NAME.swp` and emacs's
///   `#NAME#` (NAME not empty), stacked up to `maxDecorations` deep
///   (`.id_rsa.bak.swp`). The decorations fold case too (`ID_RSA.BAK`).
///   Directories are segments like any other: `.ssh.bak/` and `.aws~/` are
///   hidden whole.
///
/// The automaton keeps built-in rules in their own nodes, flagged `folded`,
/// built from lowered literals; a step lowers the name into a stack buffer
/// only when such a node is live, and tries the bases `forEachBase` yields
/// against those nodes alone. Rules a user writes are never folded.
enum BuiltinMatching {
    /// Decorations stripped at most, one after another.
    static let maxDecorations = 3
    /// The most names `forEachBase` yields: at most two decorations can be
    /// stripped from one name (`.x.swp` is `.x` + `.swp` or vim's swap of
    /// `x`), so 1 + 2 + 4 + 8 for three levels.
    static let maxBases = 15

    /// `bytes` with `A`–`Z` lowered.
    static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map(lower)
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 {
        b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b
    }

    /// Writes `name` with `A`–`Z` lowered into `out`, which holds as many bytes.
    @inline(__always)
    static func lowercase(_ name: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        for k in 0..<name.count { out[k] = lower(name[k]) }
    }

    /// Calls `body` with `name` and with each base a variant decoration can be
    /// stripped from, recursively up to `depth` decorations. `name` is
    /// already lowered. A base may be yielded twice (different strips can
    /// meet); callers only collect, so that costs time, not correctness.
    @inline(__always)
    static func forEachBase(
        _ name: UnsafeBufferPointer<UInt8>, depth: Int = maxDecorations, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        body(name)
        if depth > 0 { stripOnce(name) { forEachBase($0, depth: depth - 1, body) } }
    }

    /// Calls `body` with each base one decoration can be stripped from: at
    /// most two, and none for most names, which costs a byte compare or two.
    private static func stripOnce(_ name: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let n = name.count
        guard n > 1 else { return }
        func part(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: name[start..<end])
        }
        func ascii(_ k: Int, _ c: Unicode.Scalar) -> Bool { name[k] == UInt8(ascii: c) }
        switch name[n - 1] {
        case UInt8(ascii: "~"):
            body(part(0, n - 1))
        case UInt8(ascii: "#"):
            if n > 2, ascii(0, "#") { body(part(1, n - 1)) }
        case UInt8(ascii: "k"), UInt8(ascii: "d"), UInt8(ascii: "p"):
            // .bak .old .swp
            guard n > 4, ascii(n - 4, ".") else { return }
            let (a, b) = (name[n - 3], name[n - 2])
            let swap = a == UInt8(ascii: "s") && b == UInt8(ascii: "w") && ascii(n - 1, "p")
            guard swap || (a == UInt8(ascii: "b") && b == UInt8(ascii: "a") && ascii(n - 1, "k"))
                || (a == UInt8(ascii: "o") && b == UInt8(ascii: "l") && ascii(n - 1, "d"))
            else { return }
            body(part(0, n - 4))
            // vim's swap file of NAME is .NAME.swp.
            if swap, n > 5, ascii(0, ".") { body(part(1, n - 4)) }
        case UInt8(ascii: "g"):
            // .orig
            if n > 5, ascii(n - 5, "."), ascii(n - 4, "o"), ascii(n - 3, "r"), ascii(n - 2, "i") { body(part(0, n - 5)) }
        default:
            break
        }
    }
}
