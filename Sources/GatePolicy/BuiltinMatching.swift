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
///   matches the variants of a name it matches (see `stripOnce`): `NAME~`,
///   `NAME.bak`, `NAME-backup`, `NAME_old`, `NAME.orig`, `NAME.swp`, vim's
///   `.NAME.swp` and `.NAME.un~`, emacs's `#NAME#` and `NAME.~1~`,
///   `NAME (copy)`, `NAME copy`, `NAME.1`, `NAME2`, a trailing `.`, `-`, `_`
///   or space (NAME not empty), stacked up to `maxDecorations` deep
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
    static let maxDecorations = 4
    /// The most names `forEachBase` yields: at most two decorations can be
    /// stripped from one name (`.x.swp` is `.x` + `.swp` or vim's swap of
    /// `x`), so 1 + 2 + 4 + 8 + 16 for four levels.
    static let maxBases = 31

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

    /// Calls `body` with each base one decoration can be stripped from (at
    /// most two; never an empty base). The decorations, by the name's last
    /// byte, so at most one rule applies:
    /// - `~`: `B~`; also emacs's numbered `B.~N~` and vim's undo `.B.un~`;
    /// - `#`: emacs's `#B#`;
    /// - `)`: a copy `B (…)`;
    /// - `.` `-` `_` space: one trailing separator (`B.`, `B-`, `B `);
    /// - a control byte, 0xFE or 0xFF: that byte (`B\n`);
    /// - `,v`: an RCS file;
    /// - whatever the last byte, a file manager's `copy of B` (and then only that);
    /// - a digit: `B` + separator + digits (`B.1`, `B-2`), else `B` + digits (`B2`);
    /// - a letter: `B` + separator (`.` `-` `_` space) + a backup word
    ///   (`bak bk bkp backup old orig ori save saved sav tmp temp copy cp
    ///   prev previous last keep disabled off new dpkg rpmsave rpmnew`, the
    ///   archive suffixes `gz tgz tar zip bz2 xz zst`, vim's swap files `swp`
    ///   down to `swa`), and vim's swap `.B.swp` (`.swo` … `.swa`).
    private static func stripOnce(_ name: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let n = name.count
        guard n > 1 else { return }
        func part(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: name[start..<end])
        }
        func ascii(_ k: Int, _ c: Unicode.Scalar) -> Bool { name[k] == UInt8(ascii: c) }
        // A file manager's "Copy of NAME" (the name is already lowered).
        if n > 8, name.starts(with: copyOf) { return body(part(8, n)) }
        let last = name[n - 1]
        switch last {
        case 0..<0x20, 0x7F, 0xFE, 0xFF:
            // A trailing control byte, or one that is never UTF-8.
            body(part(0, n - 1))
        case UInt8(ascii: "v") where ascii(n - 2, ","):
            // RCS: NAME,v
            if n > 2 { body(part(0, n - 2)) }
        case UInt8(ascii: "~"):
            body(part(0, n - 1))
            if let dot = numberedBackup(name) { body(part(0, dot)) }
            else if n > 5, ascii(0, "."), ascii(n - 4, "."), ascii(n - 3, "u"), ascii(n - 2, "n") { body(part(1, n - 4)) }
        case UInt8(ascii: "#"):
            if n > 2, ascii(0, "#") { body(part(1, n - 1)) }
        case UInt8(ascii: ")"):
            var k = n - 2
            while k > 0, !(ascii(k, "(") && ascii(k - 1, " ")) { k -= 1 }
            if k > 1 { body(part(0, k - 1)) }
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: " "):
            body(part(0, n - 1))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            var k = n - 1
            while k > 0, isDigit(name[k - 1]) { k -= 1 }
            if k > 1, isSeparator(name[k - 1]) { body(part(0, k - 1)) } else if k > 0 { body(part(0, k)) }
        default:
            var k = n - 1
            while k > 0, !isSeparator(name[k - 1]) { k -= 1 }
            guard k > 1, isBackupWord(part(k, n)) else { return }
            body(part(0, k - 1))
            if n - k == 3, ascii(k, "s"), ascii(k + 1, "w"), ascii(0, "."), k > 2 { body(part(1, k - 1)) }
        }
    }

    /// The index of the `.` in a name ending `.~DIGITS~`, if it does.
    private static func numberedBackup(_ name: UnsafeBufferPointer<UInt8>) -> Int? {
        var k = name.count - 2
        while k > 0, isDigit(name[k]) { k -= 1 }
        guard k < name.count - 2, k >= 2, name[k] == UInt8(ascii: "~"), name[k - 1] == UInt8(ascii: ".") else { return nil }
        return k - 1
    }

    static let copyOf = Array("copy of ".utf8)

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private static func isSeparator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: " ")
    }

    static let backupWords: [[UInt8]] = ([
        "bak", "bk", "bkp", "backup", "old", "orig", "ori", "save", "saved", "sav", "tmp", "temp", "copy", "cp",
        "prev", "previous", "last", "keep", "disabled", "off", "new", "dpkg", "rpmsave", "rpmnew",
        "gz", "tgz", "tar", "zip", "bz2", "xz", "zst",
    ] + "abcdefghijklmnop".map { "sw\($0)" }).map { Array($0.utf8) }   // vim's swap files, .swp down to .swa

    private static func isBackupWord(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard word.count >= 2, word.count <= 8 else { return false }
        return backupWords.contains { $0.count == word.count && $0.elementsEqual(word) }
    }
}
