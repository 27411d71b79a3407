/// One named POSIX check of the write path: a body run through a
/// `PosixProbe` in a fresh directory, natively and in a write-granted
/// directory of the view.
///
/// Most checks must give the same lines on both sides. A documented
/// deliberate refusal instead names the lines the view must give, and the
/// native run must differ from them (else the check would not show the
/// refusal at all).
struct PosixCheck: Sendable {
    let name: String
    /// The view's lines, for a deliberate refusal; nil: same as native.
    let refusal: [String]?
    let body: @Sendable (PosixProbe) -> Void

    init(_ name: String, _ body: @escaping @Sendable (PosixProbe) -> Void) {
        self.name = name
        refusal = nil
        self.body = body
    }

    init(_ name: String, refusal: [String], _ body: @escaping @Sendable (PosixProbe) -> Void) {
        self.name = name
        self.refusal = refusal
        self.body = body
    }

    func run(in directory: String) -> [String] {
        let probe = PosixProbe(root: directory)
        body(probe)
        probe.closeAll()
        return probe.lines
    }

    /// A name longer than NAME_MAX (255).
    static let longName = String(repeating: "n", count: 256)
}
