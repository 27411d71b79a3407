import Glibc

extension PosixChecks {
    private static func rename2(_ p: PosixProbe, _ from: String, _ to: String, _ flags: UInt32, _ label: String) {
        p.result(label, EscapeSyscalls.rename2(p[from], p[to], flags: flags))
    }

    static let renameChecks: [PosixCheck] = renameFilesChecks + renameDirectoriesChecks + renameFlagsChecks

    static let renameFilesChecks: [PosixCheck] = [
        .init("rename/file-same-directory") { p in
            p.file("a", "A")
            p.call("rename", Glibc.rename(p["a"], p["b"]))
            p.listing()
            p.content("b")
        },
        .init("rename/file-across-directories") { p in
            p.directory("d")
            p.file("a", "A")
            p.call("rename", Glibc.rename(p["a"], p["d/b"]))
            p.listing()
            p.listing("d")
            p.stat("d/b")
        },
        .init("rename/overwrite-file") { p in
            p.file("a", "A")
            p.file("b", "B")
            p.call("link b c", Glibc.link(p["b"], p["c"]))
            p.call("rename", Glibc.rename(p["a"], p["b"]))
            p.content("b")
            p.stat("c")
            p.listing()
        },
        .init("rename/updates-ctime-of-moved-file") { p in
            p.file("a", "A")
            let m = p.mark("a")
            p.call("rename", Glibc.rename(p["a"], p["b"]))
            p.moved(PosixProbe.Mark(relative: "b", mtime: m.mtime, ctime: m.ctime))
        },
        .init("rename/updates-both-parents-ctime-mtime") { p in
            p.directory("d")
            p.directory("e")
            p.file("d/a")
            let md = p.mark("d")
            let me = p.mark("e")
            p.call("rename", Glibc.rename(p["d/a"], p["e/a"]))
            p.moved(md)
            p.moved(me)
        },
        .init("rename/same-inode-hard-links-is-a-no-op") { p in
            p.file("a", "A")
            p.call("link", Glibc.link(p["a"], p["b"]))
            p.call("rename", Glibc.rename(p["a"], p["b"]))
            p.listing()
            p.stat("a")
        },
        .init("rename/onto-itself") { p in
            p.file("a", "A")
            p.call("rename", Glibc.rename(p["a"], p["a"]))
            p.stat("a")
        },
        .init("rename/symlink-moves-the-link") { p in
            p.file("f", "F")
            p.call("symlink", Glibc.symlink("f", p["l"]))
            p.call("rename", Glibc.rename(p["l"], p["m"]))
            p.readlink("m")
            p.stat("f")
            p.listing()
        },
        .init("rename/fifo") { p in
            p.call("mkfifo", mkfifo(p["p"], 0o644))
            p.call("rename", Glibc.rename(p["p"], p["q"]))
            p.stat("q")
        },
        .init("rename/open-descriptor-follows") { p in
            p.file("a", "A")
            let fd = p.open("a", O_RDWR)
            p.call("rename", Glibc.rename(p["a"], p["b"]))
            p.write(fd, "Z", at: 1)
            p.content("b")
        },
        .init("rename/ENOENT-source-missing") { p in
            p.call("rename", Glibc.rename(p["missing"], p["b"]))
        },
        .init("rename/ENOTDIR-file-with-trailing-slash") { p in
            p.file("a")
            p.call("rename a/ b", Glibc.rename(p["a"] + "/", p["b"]))
            p.call("rename a b/", Glibc.rename(p["a"], p["b"] + "/"))
            p.listing()
        },
        .init("rename/EISDIR-file-over-directory") { p in
            p.file("a")
            p.directory("d")
            p.call("rename", Glibc.rename(p["a"], p["d"]))
            p.stat("d")
        },
        .init("rename/EPERM-nonroot-sticky-dir-other-owner") { p in
            p.call("chmod dir 01777", chmod(p.root, 0o1777))
            p.file("a")
            p.asUser { p.call("rename as 1000", Glibc.rename(p["a"], p["b"])) }
            p.listing()
        },
        .init("rename/EACCES-nonroot-unwritable-source-dir") { p in
            p.directory("d")
            p.file("d/a")
            p.call("chown d/a", chown(p["d/a"], 1000, 1000))
            p.call("chmod dir", chmod(p.root, 0o777))
            p.asUser { p.call("rename as 1000", Glibc.rename(p["d/a"], p["b"])) }
            p.listing("d")
        },
    ]

    static let renameDirectoriesChecks: [PosixCheck] = [
        .init("rename/directory-same-parent") { p in
            p.directory("d")
            p.file("d/f", "F")
            p.call("rename", Glibc.rename(p["d"], p["e"]))
            p.content("e/f")
            p.listing()
        },
        .init("rename/directory-across-parents") { p in
            p.directory("x")
            p.directory("y")
            p.directory("x/d")
            p.call("rename", Glibc.rename(p["x/d"], p["y/d"]))
            p.listing("x")
            p.listing("y")
            p.stat("y/d")
        },
        .init("rename/directory-dotdot-follows-new-parent") { p in
            p.directory("x")
            p.directory("y")
            p.directory("x/d")
            p.call("rename", Glibc.rename(p["x/d"], p["y/d"]))
            p.sameInode("y/d/..", "y")
        },
        .init("rename/directory-over-empty-directory") { p in
            p.directory("d")
            p.file("d/f")
            p.directory("e")
            p.call("rename", Glibc.rename(p["d"], p["e"]))
            p.listing()
            p.listing("e")
        },
        .init("rename/overwrite-dir-nonempty-ENOTEMPTY") { p in
            p.directory("d")
            p.directory("e")
            p.file("e/keep")
            p.call("rename", Glibc.rename(p["d"], p["e"]))
            p.listing("e")
            p.stat("d")
        },
        .init("rename/ENOTDIR-directory-over-file") { p in
            p.directory("d")
            p.file("f")
            p.call("rename", Glibc.rename(p["d"], p["f"]))
            p.stat("f")
        },
        .init("rename/EINVAL-directory-into-own-subdirectory") { p in
            p.directory("d")
            p.directory("d/e")
            p.call("rename d d/e/x", Glibc.rename(p["d"], p["d/e/x"]))
            p.call("rename d d/x", Glibc.rename(p["d"], p["d/x"]))
            p.listing("d")
        },
        .init("rename/EINVAL-or-EBUSY-dot") { p in
            p.directory("d")
            p.call("rename d/. e", Glibc.rename(p["d"] + "/.", p["e"]))
            p.call("rename d/.. e", Glibc.rename(p["d"] + "/..", p["e"]))
        },
        .init("rename/directory-trailing-slash") { p in
            p.directory("d")
            p.call("rename d/ e/", Glibc.rename(p["d"] + "/", p["e"] + "/"))
            p.stat("e")
        },
        .init("rename/directory-updates-ctime") { p in
            p.directory("d")
            let m = p.mark("d")
            p.call("rename", Glibc.rename(p["d"], p["e"]))
            p.moved(PosixProbe.Mark(relative: "e", mtime: m.mtime, ctime: m.ctime))
        },
        .init("rename/directory-with-open-child") { p in
            p.directory("d")
            p.file("d/f", "F")
            let fd = p.open("d/f", O_RDWR)
            p.call("rename", Glibc.rename(p["d"], p["e"]))
            p.write(fd, "G", at: 1)
            p.content("e/f")
        },
    ]

    static let renameFlagsChecks: [PosixCheck] = [
        .init("rename/RENAME_NOREPLACE-EEXIST") { p in
            p.file("a", "A")
            p.file("b", "B")
            rename2(p, "a", "b", EscapeSyscalls.renameNoReplace, "renameat2 noreplace")
            p.content("a")
            p.content("b")
        },
        .init("rename/RENAME_NOREPLACE-free-name") { p in
            p.file("a", "A")
            rename2(p, "a", "b", EscapeSyscalls.renameNoReplace, "renameat2 noreplace")
            p.listing()
        },
        .init("rename/RENAME_NOREPLACE-EEXIST-dangling-symlink") { p in
            p.file("a", "A")
            p.call("symlink", Glibc.symlink("nowhere", p["b"]))
            rename2(p, "a", "b", EscapeSyscalls.renameNoReplace, "renameat2 noreplace")
            p.readlink("b")
        },
        .init("rename/RENAME_EXCHANGE-swaps") { p in
            p.file("a", "A")
            p.file("b", "BB")
            rename2(p, "a", "b", EscapeSyscalls.renameExchange, "renameat2 exchange")
            p.content("a")
            p.content("b")
        },
        .init("rename/RENAME_EXCHANGE-file-and-directory") { p in
            p.file("a", "A")
            p.directory("d")
            p.file("d/f")
            rename2(p, "a", "d", EscapeSyscalls.renameExchange, "renameat2 exchange")
            p.stat("a")
            p.stat("d")
            p.listing("a")
        },
        .init("rename/RENAME_EXCHANGE-across-directories") { p in
            p.directory("x")
            p.directory("y")
            p.file("x/a", "in x")
            p.directory("y/b")
            rename2(p, "x/a", "y/b", EscapeSyscalls.renameExchange, "renameat2 exchange")
            p.stat("x")
            p.stat("y")
            p.content("y/b")
            p.stat("x/a")
        },
        .init("rename/RENAME_EXCHANGE-updates-ctime-of-both") { p in
            p.file("a", "A")
            p.file("b", "B")
            let ma = p.mark("a")
            let mb = p.mark("b")
            rename2(p, "a", "b", EscapeSyscalls.renameExchange, "renameat2 exchange")
            p.moved(PosixProbe.Mark(relative: "b", mtime: ma.mtime, ctime: ma.ctime))
            p.moved(PosixProbe.Mark(relative: "a", mtime: mb.mtime, ctime: mb.ctime))
        },
        .init("rename/RENAME_EXCHANGE-ENOENT-target-missing") { p in
            p.file("a", "A")
            rename2(p, "a", "b", EscapeSyscalls.renameExchange, "renameat2 exchange")
            p.listing()
        },
        .init("rename/RENAME_EXCHANGE-EINVAL-directory-into-own-subdirectory") { p in
            p.directory("d")
            p.directory("d/e")
            rename2(p, "d", "d/e", EscapeSyscalls.renameExchange, "renameat2 exchange")
            p.listing("d")
        },
        .init("rename/EINVAL-RENAME_EXCHANGE-with-RENAME_NOREPLACE") { p in
            p.file("a")
            p.file("b")
            rename2(p, "a", "b", EscapeSyscalls.renameExchange | EscapeSyscalls.renameNoReplace, "renameat2 both")
        },
        .init("rename/EINVAL-unknown-flag") { p in
            p.file("a")
            rename2(p, "a", "b", 0x80, "renameat2 0x80")
            p.listing()
        },
    ]
}
