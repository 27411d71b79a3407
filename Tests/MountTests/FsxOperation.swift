import Foundation
import Glibc

/// One step of the fsx-style model test: an operation on names from a
/// small fixed pool, so that steps collide (overwrite, rename onto, remove
/// what is open elsewhere, type mismatches) and every errno path is taken.
enum FsxOperation: CustomStringConvertible {
    case write(String, offset: Int, length: Int, seed: UInt64)
    case truncate(String, Int)
    case rename(String, String)
    case unlink(String)
    case mkdir(String)
    case rmdir(String)
    case link(String, String)
    case symlink(target: String, String)
    case chmod(String, mode_t)
    case utimens(String, atime: Int, mtime: Int)

    static let names = ["a", "b", "c", "x", "y", "x/a", "x/b", "x/y", "y/a", "y/x", "x/y/a", "x/y/b"]
    /// What symlinks point at, always as `../`s up to the top then the
    /// name: names only write, truncate, chmod, utimens and unlink touch, so
    /// no chain or loop of links forms and no target runs through a file:
    /// the view hides such links on purpose (README "Symlinks"), and the
    /// POSIX list has its own checks for them.
    static let targets = ["t0", "t1"]
    /// No set-id bits: stripping them is a deliberate difference, checked by the POSIX list.
    static let modes: [mode_t] = [0o644, 0o600, 0o755, 0o700, 0o444, 0o640, 0o1777]

    /// The two directories the nested names need, made first on both sides.
    static let start: [FsxOperation] = [.mkdir("x"), .mkdir("y"), .mkdir("x/y")]

    static func random(_ rng: inout PseudoRandomBytes) -> FsxOperation {
        func name() -> String { names[rng.below(names.count)] }
        func target() -> String { targets[rng.below(targets.count)] }
        func any() -> String { rng.below(4) == 0 ? target() : name() }
        switch rng.below(20) {
        case 0..<6:
            // Mostly near the start, sometimes far out to leave a hole.
            let offset = rng.below(8) == 0 ? rng.below(1 << 18) : rng.below(1 << 14)
            return .write(any(), offset: offset, length: 1 + rng.below(1 << 13), seed: rng.next())
        case 6, 7: return .truncate(any(), rng.below(4) == 0 ? 0 : rng.below(1 << 15))
        case 8, 9: return .rename(any(), name())
        case 10: return .unlink(any())
        case 11: return .mkdir(name())
        case 12: return .rmdir(name())
        case 13, 14: return .link(rng.below(2) == 0 ? target() : name(), name())
        case 15, 16:
            let link = name()
            let up = String(repeating: "../", count: link.split(separator: "/").count - 1)
            return .symlink(target: up + target(), link)
        case 17, 18: return .chmod(any(), modes[rng.below(modes.count)])
        default: return .utimens(any(), atime: 1_000_000_000 + rng.below(1 << 28), mtime: 1_000_000_000 + rng.below(1 << 28))
        }
    }

    var description: String {
        switch self {
        case .write(let p, let offset, let length, _): "write \(p) at \(offset) len \(length)"
        case .truncate(let p, let size): "truncate \(p) \(size)"
        case .rename(let a, let b): "rename \(a) \(b)"
        case .unlink(let p): "unlink \(p)"
        case .mkdir(let p): "mkdir \(p)"
        case .rmdir(let p): "rmdir \(p)"
        case .link(let a, let b): "link \(a) \(b)"
        case .symlink(let target, let p): "symlink \(target) \(p)"
        case .chmod(let p, let mode): "chmod \(p) \(String(mode, radix: 8))"
        case .utimens(let p, let atime, let mtime): "utimens \(p) \(atime) \(mtime)"
        }
    }

    /// The names the step touches.
    var paths: [String] {
        switch self {
        case .write(let p, _, _, _), .truncate(let p, _), .unlink(let p), .mkdir(let p), .rmdir(let p),
             .symlink(_, let p), .chmod(let p, _), .utimens(let p, _, _): [p]
        case .rename(let a, let b), .link(let a, let b): [a, b]
        }
    }

    /// Applies the step under `root` and says how it went: "ok", the errno,
    /// for a write the count, for utimens the times read back; then lstat of
    /// each name it touched, at once, before any listing refreshes what the
    /// kernel has cached about them.
    func apply(in root: String) -> String {
        let outcome = perform(in: root)
        return paths.reduce(outcome) { text, p in
            var st = stat()
            return text + "; \(p): " + (lstat(root + "/" + p, &st) == 0 ? PosixProbe.fields(st) : Posix.name(errno))
        }
    }

    private func perform(in root: String) -> String {
        func at(_ p: String) -> String { root + "/" + p }
        switch self {
        case .write(let p, let offset, let length, let seed):
            var bytes = PseudoRandomBytes(seed: seed)
            return Self.write(at(p), offset: offset, bytes: bytes.bytes(length))
        case .truncate(let p, let size): return Self.outcome(Glibc.truncate(at(p), off_t(size)))
        case .rename(let a, let b): return Self.outcome(Glibc.rename(at(a), at(b)))
        case .unlink(let p): return Self.outcome(Glibc.unlink(at(p)))
        case .mkdir(let p): return Self.outcome(Glibc.mkdir(at(p), 0o755))
        case .rmdir(let p): return Self.outcome(Glibc.rmdir(at(p)))
        case .link(let a, let b): return Self.outcome(Glibc.link(at(a), at(b)))
        case .symlink(let target, let p): return Self.outcome(Glibc.symlink(target, at(p)))
        case .chmod(let p, let mode): return Self.outcome(Glibc.chmod(at(p), mode))
        case .utimens(let p, let atime, let mtime):
            let rc = PosixChecks.utimens(at(p), (atime, 0), (mtime, 0))
            guard rc == 0 else { return Self.outcome(rc) }
            var st = stat()
            guard fstatat(AT_FDCWD, at(p), &st, 0) == 0 else { return "ok, then stat: \(Posix.name(errno))" }
            return "ok, atime \(st.st_atim.tv_sec) mtime \(st.st_mtim.tv_sec)"
        }
    }

    private static func outcome(_ rc: Int32) -> String {
        rc == 0 ? "ok" : Posix.name(errno)
    }

    private static func write(_ path: String, offset: Int, bytes: [UInt8]) -> String {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "open: \(Posix.name(errno))" }
        defer { close(fd) }
        let n = pwrite(fd, bytes, bytes.count, off_t(offset))
        return n < 0 ? "pwrite: \(Posix.name(errno))" : "wrote \(n)"
    }
}
