import Glibc
import GateAuditReader
import GateSystem
import SystemPackage
import Testing
@testable import Gate

/// The write grants at the gate: what a granted path lets through, and every
/// refusal (EACCES for what the view hides, EROFS for what it shows without
/// a grant), with no kernel in between.
@Suite struct WriteTests {
    private func granted(_ t: SourceTree, deny: [String] = [], log: GateHarness.Log = .none) throws -> GateHarness {
        try t.directory("projects/demo")
        try t.file("docs/readme.md", "docs\n")
        return try GateHarness(t, allow: ["docs"], write: ["projects/demo"], deny: deny, log: log)
    }

    private func text(_ t: SourceTree, _ path: String) throws -> String {
        let fd = open(t.path(path), O_RDONLY)
        guard fd >= 0 else { throw TreeError("open \(path)") }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 65_536)
        let n = Glibc.read(fd, &buf, buf.count)
        return String(decoding: buf[..<max(0, n)], as: UTF8.self)
    }

    @Test func createWriteAndReadBackInsideAGrant() throws {
        let t = try SourceTree()
        let h = try granted(t, log: .outside)
        let (ino, fh) = try h.create("projects/demo", "new.txt", mode: 0o640).get()
        #expect(try h.write(fh, "hello ").get() == 6)
        #expect(try h.write(fh, "world\n", offset: 6).get() == 6)
        h.release(fh)
        #expect(try text(t, "projects/demo/new.txt") == "hello world\n")
        #expect(try h.getattr(ino).get().size == 12)
        #expect(try t.lstat("projects/demo/new.txt").st_mode & 0o7777 == 0o640)
        let records = try h.auditRecords()
        #expect(records.contains { $0.event == "create" && $0.path == "projects/demo/new.txt" && $0.mode == "0640" })
        #expect(records.filter { $0.event == "write" }.map(\.bytes) == [6, 6])
        #expect(records.contains { $0.event == "close" && $0.written == 12 && $0.writes == 2 })
    }

    @Test func aShownPathWithoutAGrantIsReadOnly() throws {
        let t = try SourceTree()
        let h = try granted(t)
        #expect(h.create("docs", "x.txt").errno == EROFS)
        #expect(h.mkdir("docs", "sub").errno == EROFS)
        #expect(h.open(try h.node("docs/readme.md"), flags: O_WRONLY).errno == EROFS)
        #expect(h.chmod("docs/readme.md", 0o600).errno == EROFS)
        #expect(h.unlink("docs", "readme.md").errno == EROFS)
        #expect(h.access(try h.node("docs/readme.md"), W_OK).errno == EROFS)
        #expect(try text(t, "docs/readme.md") == "docs\n")
    }

    /// The refusal is decided by the name alone: the same errno whether or
    /// not a hidden file of that name exists, and the hidden one is untouched.
    @Test(arguments: [".env", "id_rsa", "server.pem", "keys.secret", "../outside"])
    func hiddenNamesAreRefusedAlikeWhetherOrNotTheyExist(_ name: String) throws {
        guard !name.contains("/") else { return }
        let t = try SourceTree()
        let h = try granted(t, deny: ["**/*.secret"])
        let missing = h.create("projects/demo", name).errno
        try t.file("projects/demo/" + name, "SECRET\n")
        let present = h.create("projects/demo", name).errno
        #expect(missing == EACCES)
        #expect(present == EACCES)
        #expect(h.mkdir("projects/demo", name).errno == EACCES)
        #expect(h.symlink("projects/demo", name, to: "x").errno == EACCES)
        #expect(try text(t, "projects/demo/" + name) == "SECRET\n")
    }

    /// A name hidden by what it is, not by its name: a symlink leading out
    /// of the view, a hard link to a secret. Creating over one is refused
    /// like a hidden name (EACCES), never EEXIST, and it is left as it was.
    @Test func namesHiddenByIdentityAreRefusedLikeHiddenNames() throws {
        let t = try SourceTree()
        try t.file(".ssh/id_ed25519", "SECRET-KEY\n")
        try t.symlink("projects/demo/escape", to: "../../.ssh/id_ed25519")
        try t.hardLink("projects/demo/linked", to: ".ssh/id_ed25519")
        let h = try granted(t)
        for name in ["escape", "linked"] {
            #expect(h.lookup("projects/demo/" + name) == .negative(timeout: h.gate.negativeTimeout))
            #expect(h.create("projects/demo", name).errno == EACCES, "\(name)")
            #expect(h.create("projects/demo", name, flags: O_WRONLY | O_CREAT | O_EXCL).errno == EACCES, "\(name)")
            #expect(h.mkdir("projects/demo", name).errno == EACCES, "\(name)")
            #expect(h.symlink("projects/demo", name, to: "x").errno == EACCES, "\(name)")
        }
        try t.file("projects/demo/a.txt", "a\n")
        #expect(h.rename("projects/demo", "a.txt", to: "projects/demo", "linked").errno == EACCES)
        #expect(h.rename("projects/demo", "a.txt", to: "projects/demo", "escape").errno == EACCES)
        #expect(try text(t, ".ssh/id_ed25519") == "SECRET-KEY\n")
        #expect(try text(t, "projects/demo/linked") == "SECRET-KEY\n")
        #expect(try t.lstat("projects/demo/escape").st_mode & 0o170000 == 0o120000)
    }

    /// The kernel checked the caller's rights on what it had cached for a
    /// name. If the host has put another file there since, the gate neither
    /// opens, removes nor replaces it: ESTALE makes the kernel look again,
    /// check again, and retry.
    @Test func filesTheHostSwappedInAreNeverChangedUnchecked() throws {
        let t = try SourceTree()
        try t.file("projects/demo/mine", "agent\n")
        try t.file("projects/demo/other", "x\n")
        let h = try granted(t)
        _ = try h.node("projects/demo/mine")
        _ = try h.node("projects/demo/other")
        try t.rename("projects/demo/mine", to: "projects/demo/mine.gone")
        try t.file("projects/demo/mine", "HOST\n")
        let demo = try h.node("projects/demo")
        #expect(h.unlinkHeld(demo, "mine") == ESTALE, "unlink of a name swapped on the host")
        #expect(h.renameHeld(demo, "other", to: "mine") == ESTALE, "rename onto it")
        #expect(try text(t, "projects/demo/mine") == "HOST\n")
        // A name the kernel cached as missing that the host has since created.
        try t.file("projects/demo/late", "HOST\n")
        #expect(h.create("projects/demo", "late", flags: O_WRONLY | O_CREAT | O_TRUNC).errno == ESTALE)
        #expect(try text(t, "projects/demo/late") == "HOST\n")
    }

    /// Two names of one file in one directory are two nodes; moving one
    /// moves that node (found by seed 12345 of the fsx test).
    @Test func renamingOneOfTwoHardLinksInADirectoryMovesItsNode() throws {
        let t = try SourceTree()
        try t.file("projects/demo/one", "same\n")
        try t.hardLink("projects/demo/two", to: "projects/demo/one")
        let h = try granted(t)
        let one = try h.node("projects/demo/one")
        _ = try h.node("projects/demo/two")
        #expect(h.rename("projects/demo", "one", to: "projects/demo", "three").errno == 0)
        #expect(h.getattr(one).errno == 0, "the moved node re-opens at its new name")
        #expect(try h.contents("projects/demo/three") == Array("same\n".utf8))
    }

    /// open(O_TRUNC) truncates in the open itself (atomic_o_trunc); the log says so.
    @Test func truncationByOpenIsLogged() throws {
        let t = try SourceTree()
        try t.file("projects/demo/t.txt", "hello\n")
        let h = try granted(t, log: .outside)
        let fh = try h.open(try h.node("projects/demo/t.txt"), flags: O_WRONLY | O_TRUNC).get()
        h.release(fh)
        #expect(try text(t, "projects/demo/t.txt") == "")
        #expect(try h.auditRecords().contains { $0.event == "setattr" && $0.path == "projects/demo/t.txt" && $0.size == 0 })
    }

    @Test func renameRefusesHiddenAndReadOnlyDestinations() throws {
        let t = try SourceTree()
        try t.file("projects/demo/a.txt", "a\n")
        try t.file("projects/demo/.env", "SECRET\n")
        let h = try granted(t)
        #expect(h.rename("projects/demo", "a.txt", to: "projects/demo", ".env").errno == EACCES)
        #expect(h.rename("projects/demo", "a.txt", to: "docs", "a.txt").errno == EROFS)
        #expect(h.rename("projects/demo", "a.txt", to: ".", "a.txt").errno == EACCES, "outside the view")
        #expect(try text(t, "projects/demo/.env") == "SECRET\n")
        #expect(h.rename("projects/demo", "a.txt", to: "projects/demo", "b.txt").errno == 0)
        #expect(try text(t, "projects/demo/b.txt") == "a\n")
        #expect(try h.contents("projects/demo/b.txt") == Array("a\n".utf8), "the moved node re-opens at its new name")
    }

    @Test func renameFlagsNoReplaceAndExchange() throws {
        let t = try SourceTree()
        try t.file("projects/demo/a", "A")
        try t.file("projects/demo/b", "B")
        let h = try granted(t)
        #expect(h.rename("projects/demo", "a", to: "projects/demo", "b", mode: .noReplace).errno == EEXIST)
        #expect(h.rename("projects/demo", "a", to: "projects/demo", "b", mode: .exchange).errno == 0)
        #expect(try text(t, "projects/demo/a") == "B")
        #expect(try text(t, "projects/demo/b") == "A")
    }

    /// A directory moved out from under a deny anchored at its old place
    /// would show what that deny hid: EXDEV, so mv copies what is shown.
    @Test func aDirectoryMovesOnlyWhereTheSameRulesHide() throws {
        let t = try SourceTree()
        try t.file("projects/demo/build/x.key", "SECRET\n")
        try t.file("projects/demo/src/main.c", "int main;\n")
        let h = try granted(t, deny: ["projects/demo/build/*.key"])
        #expect(h.rename("projects/demo", "build", to: "projects/demo", "out").errno == EXDEV)
        #expect(h.rename("projects/demo", "src", to: "projects/demo", "source").errno == 0)
        #expect(try h.list("projects/demo/source") == ["main.c"])
    }

    @Test func removingADirectoryThatHoldsHiddenEntriesFails() throws {
        let t = try SourceTree()
        try t.file("projects/demo/sub/.env", "SECRET\n")
        let h = try granted(t)
        #expect(try h.list("projects/demo/sub") == [])
        #expect(h.rmdir("projects/demo", "sub").errno == ENOTEMPTY)
        #expect(try text(t, "projects/demo/sub/.env") == "SECRET\n")
    }

    @Test func symlinksMustStayInsideTheView() throws {
        let t = try SourceTree()
        try t.file("projects/demo/a.txt", "a\n")
        let h = try granted(t)
        #expect(h.symlink("projects/demo", "abs", to: "/etc/passwd").errno == EACCES)
        #expect(h.symlink("projects/demo", "up", to: "../../../etc/passwd").errno == EACCES)
        #expect(h.symlink("projects/demo", "env", to: ".env").errno == EACCES)
        #expect(h.symlink("projects/demo", "ok", to: "a.txt").errno == 0)
        #expect(h.symlink("projects/demo", "later", to: "build/out.bin").errno == 0, "a target made later")
        #expect(try h.readlink(try h.node("projects/demo/later")).get() == "build/out.bin")
        #expect(h.symlink("projects/demo", "dotted", to: "./a.txt").errno == 0)
        #expect(h.symlink("projects/demo", "around", to: "../demo/a.txt").errno == 0)
        #expect(try h.readlink(try h.node("projects/demo/dotted")).get() == "./a.txt", "read back as written")
        #expect(try h.readlink(try h.node("projects/demo/around")).get() == "../demo/a.txt")
    }

    /// Links that are each harmless when made but add up, on the host, to
    /// one that leads out of the source or into a hidden folder (found by the
    /// first attack pass): a link to its own directory or an ancestor, a
    /// link through another link, a link moved higher, a directory moved to
    /// a shallower place. Each is refused; the plain ones still work.
    @Test func linksCannotBeChainedOutOfTheView() throws {
        let t = try SourceTree()
        try t.directory("projects/demo/priv")
        try t.directory("projects/demo/r/a/b/c/d")
        try t.directory("projects/demo/sub")
        try t.directory("projects/demo/r/a/b2")
        let h = try granted(t, deny: ["projects/demo/priv"])
        #expect(h.symlink("projects/demo", "x", to: ".").errno == EACCES, "its own directory")
        #expect(h.symlink("projects/demo/r/a/b/c/d", "up", to: "../../../../../..").errno == EACCES, "an ancestor")
        #expect(h.symlink("projects/demo/r", "pw", to: "up/etc/shadow").errno == 0, "dangling, inside the view")
        #expect(h.symlink("projects/demo/r/a", "l", to: "../a/b/x").errno == 0, "as deep as the link")
        #expect(h.rename("projects/demo/r/a", "l", to: "projects/demo", "l").errno == EACCES, "moved, it would climb out")
        #expect(h.link("projects/demo/r/a/l", to: "projects/demo", "l2").errno == EACCES, "a second name, higher: the same")
        #expect(h.symlink("projects/demo", "readme", to: "../README.md").errno == EACCES, "shallower than the link")
        #expect(h.symlink("projects/demo", "s", to: "sub").errno == 0, "a directory as deep as the link")
        #expect(h.symlink("projects/demo", "through", to: "s/f").errno == EACCES, "through another link")
        #expect(h.symlink("projects/demo", "alias", to: "y/priv/f").errno == 0)
        #expect(h.symlink("projects/demo", "y", to: ".").errno == EACCES, "would make alias name priv")
        try t.symlink("projects/demo/r/a/b/c/d/climb", to: "../../../../../.bashrc")
        #expect(h.rename("projects/demo/r/a/b", "c", to: "projects/demo", "c").errno == EXDEV,
                "moved higher, a link inside would name the home's .bashrc")
        #expect(h.rename("projects/demo/r/a/b", "c", to: "projects/demo/r/a/b2", "c").errno == 0, "as deep: moved")
        try t.remove("projects/demo/r/a/b2/c/d/climb")
        #expect(h.rename("projects/demo/r/a/b2", "c", to: "projects/demo", "c").errno == 0, "no link inside: moved higher")
    }

    @Test func setuidIsStrippedAndDevicesAreRefused() throws {
        let t = try SourceTree()
        try t.file("projects/demo/tool", "#!/bin/sh\n")
        let h = try granted(t)
        let (_, fh) = try h.create("projects/demo", "suid", mode: 0o4755).get()
        h.release(fh)
        #expect(try t.lstat("projects/demo/suid").st_mode & 0o7777 == 0o755)
        #expect(try h.chmod("projects/demo/tool", 0o6755).get().mode & 0o7777 == 0o755)
        _ = try h.mkdir("projects/demo", "shared", mode: 0o775).get()
        #expect(try h.chmod("projects/demo/shared", 0o2775).get().mode & 0o7777 == 0o2775, "directories keep setgid")
        #expect(h.mknod("projects/demo", "disk", mode: 0o060600).errno == EPERM)
        #expect(h.mknod("projects/demo", "tty", mode: 0o020600).errno == EPERM)
        #expect(h.mknod("projects/demo", "fifo", mode: 0o010644).errno == 0)
    }

    @Test func onlyUserAttributesCanBeSet() throws {
        let t = try SourceTree()
        try t.file("projects/demo/a", "a")
        let h = try granted(t)
        #expect(h.setxattr("projects/demo/a", "security.capability", "x").errno == EPERM)
        #expect(h.setxattr("projects/demo/a", "trusted.overlay.opaque", "y").errno == EPERM)
        #expect(h.setxattr("projects/demo/a", "system.posix_acl_access", "z").errno == ENOTSUP)
        let user = h.setxattr("projects/demo/a", "user.note", "hi").errno
        #expect(user == 0 || user == ENOTSUP, "user.* reaches the source (tmpfs may not support it)")
    }

    /// A hard link into a store, made before the mount, is the secret's own
    /// inode: no write-open, truncate or chmod through it.
    @Test func aHardLinkToASecretCannotBeChanged() throws {
        let t = try SourceTree()
        try t.file(".ssh/id_ed25519", "SECRET-KEY\n")
        try t.hardLink("projects/demo/innocent", to: ".ssh/id_ed25519")
        let h = try granted(t)
        if case .entry(let ino) = h.lookup("projects/demo/innocent") {
            #expect(h.open(ino, flags: O_WRONLY).errno != 0)
            #expect(h.truncate("projects/demo/innocent", 0).errno != 0)
        }
        #expect(h.unlink("projects/demo", "innocent").errno == ENOENT)
        #expect(try text(t, ".ssh/id_ed25519") == "SECRET-KEY\n")
    }

    @Test func unlinkAndRmdirInsideAGrant() throws {
        let t = try SourceTree()
        try t.file("projects/demo/a", "a")
        let h = try granted(t, log: .outside)
        _ = try h.mkdir("projects/demo", "d").get()
        #expect(h.unlink("projects/demo", "a").errno == 0)
        #expect(h.rmdir("projects/demo", "d").errno == 0)
        #expect(try h.list("projects/demo") == [])
        let events = try h.auditRecords().map(\.event)
        #expect(events.contains("unlink") && events.contains("rmdir") && events.contains("mkdir"))
    }
}

extension GateHarness {
    /// unlink as the kernel sends it for a name it still holds (no fresh lookup first).
    fileprivate func unlinkHeld(_ dir: InodeNumber, _ name: String) -> Int32 {
        Result { () throws(Errno) in try gate.unlink(dir, Array(name.utf8), caller: caller) }.errno
    }

    fileprivate func renameHeld(_ dir: InodeNumber, _ name: String, to newName: String) -> Int32 {
        Result { () throws(Errno) in
            try gate.rename(dir, Array(name.utf8), to: dir, Array(newName.utf8), mode: .replace, caller: caller)
        }.errno
    }
}
