import Foundation
import Glibc

/// Runs one POSIX check's calls in its own directory and writes down, line
/// by line, everything two runs of the check may be compared on: each
/// call's result and errno, stat fields (type, mode, nlink, uid, gid, size),
/// contents, listings, link targets, and whether mtime and ctime moved.
///
/// Nothing that differs between two directories by nature is written down
/// (paths, inode numbers, the times themselves unless a check set them), so
/// the same check gives the same lines natively and through the view.
final class PosixProbe {
    /// The check's own directory, absolute.
    let root: String
    private(set) var lines: [String] = []
    private var descriptors: [Int32] = []

    init(root: String) {
        self.root = root
    }

    /// The absolute path of `relative` (the check's directory for "").
    subscript(_ relative: String) -> String {
        relative.isEmpty ? root : root + "/" + relative
    }

    /// `relative` as the lines show it: "." for the check's directory, and
    /// an over-long name by its length.
    static func shown(_ relative: String) -> String {
        relative.isEmpty ? "." : relative.count > 64 ? "<\(relative.count)-byte name>" : relative
    }

    func note(_ line: String) {
        lines.append(line)
    }

    /// A call that returns -1 and sets errno on failure: "label: ok" or "label: EEXIST".
    @discardableResult
    func call(_ label: String, _ body: @autoclosure () -> Int32) -> Int32 {
        record(label, body) { _ in "ok" }
    }

    /// A call that returns a count (read, write): the count or the errno.
    @discardableResult
    func count(_ label: String, _ body: @autoclosure () -> Int) -> Int {
        record(label, body) { "\($0)" }
    }

    private func record<T: BinaryInteger>(_ label: String, _ body: () -> T, success: (T) -> String) -> T {
        errno = 0
        let value = body()
        let code = errno
        note("\(label): " + (value < 0 ? Posix.name(code) : success(value)))
        return value
    }

    /// A call that returns the error number itself (posix_fallocate, renameat2 here).
    @discardableResult
    func result(_ label: String, _ body: @autoclosure () -> Int32) -> Int32 {
        let code = body()
        note("\(label): \(Posix.name(code))")
        return code
    }

    /// open(2); a descriptor it returns is closed when the check ends.
    @discardableResult
    func open(_ relative: String, _ flags: Int32, _ mode: mode_t = 0o644, label: String? = nil) -> Int32 {
        let fd = call(label ?? "open \(Self.shown(relative)) \(Self.flagText(flags))", Glibc.open(self[relative], flags | O_CLOEXEC, mode))
        if fd >= 0 { descriptors.append(fd) }
        return fd
    }

    /// A regular file with `text`, created (and its mode set, past the umask) as setup.
    func file(_ relative: String, _ text: String = "", mode: mode_t = 0o644) {
        let fd = open(relative, O_WRONLY | O_CREAT | O_TRUNC, mode, label: "setup create \(relative)")
        guard fd >= 0 else { return }
        if !text.isEmpty { count("setup write \(relative)", text.withCString { Glibc.write(fd, $0, strlen($0)) }) }
        call("setup chmod \(relative)", fchmod(fd, mode))
    }

    func directory(_ relative: String, mode: mode_t = 0o755) {
        call("setup mkdir \(relative)", mkdir(self[relative], mode))
        call("setup chmod \(relative)", chmod(self[relative], mode))
    }

    func write(_ fd: Int32, _ text: String, at offset: Int? = nil, label: String = "write") {
        count(label, text.withCString { p in
            offset.map { pwrite(fd, p, strlen(p), off_t($0)) } ?? Glibc.write(fd, p, strlen(p))
        })
    }

    func closeAll() {
        for fd in descriptors { Glibc.close(fd) }
        descriptors.removeAll()
    }

    // MARK: - What is written down

    /// lstat (or stat, following a link) of `relative`: its fields or its errno.
    func stat(_ relative: String, follow: Bool = false) {
        var st = Glibc.stat()
        errno = 0
        let rc = fstatat(AT_FDCWD, self[relative], &st, follow ? 0 : AT_SYMLINK_NOFOLLOW)
        note("\(follow ? "stat" : "lstat") \(relative): " + (rc == 0 ? Self.fields(st) : Posix.name(errno)))
    }

    func fstat(_ fd: Int32, label: String = "fstat") {
        var st = Glibc.stat()
        errno = 0
        note("\(label): " + (Glibc.fstat(fd, &st) == 0 ? Self.fields(st) : Posix.name(errno)))
    }

    static func fields(_ st: Glibc.stat) -> String {
        let type = st.st_mode & S_IFMT
        let letter = [S_IFREG: "reg", S_IFDIR: "dir", S_IFLNK: "lnk", S_IFIFO: "fifo", S_IFSOCK: "sock",
                      S_IFCHR: "chr", S_IFBLK: "blk"][type] ?? "type?"
        var text = "\(letter) \(String(st.st_mode & 0o7777, radix: 8))"
        // A directory's size is the filesystem's business, and its link count
        // is 1 in the view by design (SECURITY.md: the source's count would
        // tell how many hidden subdirectories there are; its own check says so).
        if type != S_IFDIR { text += " nlink=\(st.st_nlink)" }
        text += " uid=\(st.st_uid) gid=\(st.st_gid)"
        if type != S_IFDIR { text += " size=\(st.st_size)" }
        if type == S_IFCHR || type == S_IFBLK { text += " rdev=\(st.st_rdev)" }
        return text
    }

    /// The link count alone, for the check that pins a directory's.
    func linkCount(_ relative: String) {
        var st = Glibc.stat()
        guard lstat(self[relative], &st) == 0 else { return note("nlink \(relative): \(Posix.name(errno))") }
        note("nlink \(relative): \(st.st_nlink)")
    }

    /// The bytes of a file (read with open/read, so a failure keeps its errno).
    func content(_ relative: String) {
        switch Posix.readFile(self[relative]) {
        case .success(let bytes):
            let shown = bytes.count <= 64 ? String(decoding: bytes, as: UTF8.self).debugDescription
                : "fnv1a=\(String(Self.fnv1a(bytes), radix: 16))"
            note("content \(relative): \(bytes.count) bytes \(shown)")
        case .failure(let e):
            note("content \(relative): \(e)")
        }
    }

    func listing(_ relative: String = "") {
        do {
            note("listing \(Self.shown(relative)): \(try DirectoryListing.names(self[relative]))")
        } catch {
            note("listing \(Self.shown(relative)): \(Posix.name(error.errno))")
        }
    }

    func readlink(_ relative: String) {
        switch Posix.readLink(self[relative]) {
        case .success(let target): note("readlink \(relative): \(target.debugDescription)")
        case .failure(let e): note("readlink \(relative): \(e)")
        }
    }

    /// Whether two names are one inode (lstat of each).
    func sameInode(_ a: String, _ b: String, follow: Bool = false) {
        var sa = Glibc.stat(), sb = Glibc.stat()
        let ra = fstatat(AT_FDCWD, self[a], &sa, follow ? 0 : AT_SYMLINK_NOFOLLOW)
        let rb = fstatat(AT_FDCWD, self[b], &sb, follow ? 0 : AT_SYMLINK_NOFOLLOW)
        guard ra == 0, rb == 0 else { return note("same inode \(a) \(b): cannot stat") }
        note("same inode \(a) \(b): \(sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev)")
    }

    /// atime and mtime exactly, for checks that set them.
    func times(_ relative: String) {
        var st = Glibc.stat()
        guard lstat(self[relative], &st) == 0 else { return note("times \(relative): \(Posix.name(errno))") }
        note("times \(relative): atime=\(st.st_atim.tv_sec).\(st.st_atim.tv_nsec) mtime=\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)")
    }

    // MARK: - Did the times move

    struct Mark {
        let relative: String
        let mtime: timespec.Fields?
        let ctime: timespec.Fields?
    }

    /// Remembers mtime and ctime of `relative`, then waits until the kernel's
    /// coarse clock (what file times are taken from) has passed both, so an
    /// operation after this that updates them must change them.
    func mark(_ relative: String) -> Mark {
        var st = Glibc.stat()
        guard lstat(self[relative], &st) == 0 else { return Mark(relative: relative, mtime: nil, ctime: nil) }
        let latest = max(st.st_mtim.tv_sec * 1_000_000_000 + st.st_mtim.tv_nsec,
                         st.st_ctim.tv_sec * 1_000_000_000 + st.st_ctim.tv_nsec)
        var now = timespec()
        repeat {
            usleep(1000)
            clock_gettime(CLOCK_REALTIME_COARSE, &now)
        } while now.tv_sec * 1_000_000_000 + now.tv_nsec <= latest
        return Mark(relative: relative, mtime: .init(st.st_mtim), ctime: .init(st.st_ctim))
    }

    /// Writes down whether mtime and ctime of the marked name moved since `mark`.
    func moved(_ mark: Mark) {
        var st = Glibc.stat()
        guard let m = mark.mtime, let c = mark.ctime else { return note("moved \(mark.relative): not marked") }
        guard lstat(self[mark.relative], &st) == 0 else { return note("moved \(mark.relative): \(Posix.name(errno))") }
        let mtime = timespec.Fields(st.st_mtim) == m ? "kept" : "moved"
        let ctime = timespec.Fields(st.st_ctim) == c ? "kept" : "moved"
        note("times of \(Self.shown(mark.relative)): mtime \(mtime), ctime \(ctime)")
    }

    // MARK: - Who and how

    /// Runs `body` with effective ids `uid`/`gid` (and back to root after).
    func asUser(_ uid: uid_t = 1000, _ gid: gid_t = 1000, _ body: () -> Void) {
        precondition(setegid(gid) == 0 && seteuid(uid) == 0, "cannot become \(uid):\(gid): \(Posix.name(errno))")
        defer { precondition(seteuid(0) == 0 && setegid(0) == 0, "cannot return to root") }
        body()
    }

    func withUmask(_ mask: mode_t, _ body: () -> Void) {
        let old = umask(mask)
        defer { umask(old) }
        body()
    }

    static func flagText(_ flags: Int32) -> String {
        let names: [(Int32, String)] = [
            (O_WRONLY, "O_WRONLY"), (O_RDWR, "O_RDWR"), (O_CREAT, "O_CREAT"), (O_EXCL, "O_EXCL"),
            (O_TRUNC, "O_TRUNC"), (O_APPEND, "O_APPEND"), (O_NOFOLLOW, "O_NOFOLLOW"),
            (O_DIRECTORY, "O_DIRECTORY"), (O_NONBLOCK, "O_NONBLOCK"),
        ]
        let set = names.filter { flags & $0.0 != 0 }.map(\.1)
        return set.isEmpty ? "O_RDONLY" : set.joined(separator: "|")
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
