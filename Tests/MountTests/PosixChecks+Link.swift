import Glibc

extension PosixChecks {
    static let linkChecks: [PosixCheck] = [
        .init("link/nlink-increments") { p in
            p.file("f", "x")
            p.call("link", Glibc.link(p["f"], p["g"]))
            p.stat("f")
            p.stat("g")
            p.sameInode("f", "g")
            p.content("g")
        },
        .init("link/updates-ctime-of-file") { p in
            p.file("f", "x")
            let m = p.mark("f")
            p.call("link", Glibc.link(p["f"], p["g"]))
            p.moved(m)
        },
        .init("link/updates-parent-ctime-mtime") { p in
            p.file("f")
            p.directory("d")
            let m = p.mark("d")
            p.call("link", Glibc.link(p["f"], p["d/g"]))
            p.moved(m)
        },
        .init("link/write-through-one-name-seen-by-other") { p in
            p.file("f", "x")
            p.call("link", Glibc.link(p["f"], p["g"]))
            let fd = p.open("g", O_WRONLY | O_APPEND)
            p.write(fd, "yz")
            p.content("f")
            p.stat("f")
        },
        .init("link/three-names-nlink-3") { p in
            p.file("f")
            p.call("link g", Glibc.link(p["f"], p["g"]))
            p.directory("d")
            p.call("link d/h", Glibc.link(p["g"], p["d/h"]))
            p.stat("d/h")
        },
        .init("link/EEXIST-target-exists") { p in
            p.file("f", "1")
            p.file("g", "2")
            p.call("link", Glibc.link(p["f"], p["g"]))
            p.content("g")
            p.stat("f")
        },
        .init("link/EEXIST-target-is-dangling-symlink") { p in
            p.file("f")
            p.call("symlink", symlink("nowhere", p["l"]))
            p.call("link", Glibc.link(p["f"], p["l"]))
            p.readlink("l")
        },
        .init("link/ENOENT-source-missing") { p in
            p.call("link", Glibc.link(p["missing"], p["g"]))
            p.stat("g")
        },
        .init("link/EPERM-directory") { p in
            p.directory("d")
            p.call("link", Glibc.link(p["d"], p["e"]))
            p.stat("d")
        },
        .init("link/of-symlink-links-the-symlink") { p in
            p.file("f")
            p.call("symlink", symlink("f", p["l"]))
            p.call("link", Glibc.link(p["l"], p["m"]))
            p.stat("m")
            p.readlink("m")
            p.stat("f")
        },
        .init("link/linkat-AT_SYMLINK_FOLLOW-links-the-target") { p in
            p.file("f")
            p.call("symlink", symlink("f", p["l"]))
            p.call("linkat follow", linkat(AT_FDCWD, p["l"], AT_FDCWD, p["m"], atSymlinkFollow))
            p.stat("m")
            p.stat("f")
        },
        .init("link/fifo") { p in
            p.call("mkfifo", mkfifo(p["p"], 0o644))
            p.call("link", Glibc.link(p["p"], p["q"]))
            p.stat("q")
        },
        .init("link/EACCES-nonroot-unwritable-target-dir") { p in
            p.file("f")
            p.call("chown f", Glibc.chown(p["f"], 1000, 1000))
            p.directory("d")
            p.asUser { p.call("link as 1000", Glibc.link(p["f"], p["d/g"])) }
        },
    ]

    static let unlinkChecks: [PosixCheck] = [
        .init("unlink/removes-file") { p in
            p.file("f", "x")
            p.call("unlink", Glibc.unlink(p["f"]))
            p.stat("f")
            p.listing()
        },
        .init("unlink/nlink-decrements") { p in
            p.file("f", "x")
            p.call("link", Glibc.link(p["f"], p["g"]))
            p.call("unlink f", Glibc.unlink(p["f"]))
            p.stat("g")
            p.content("g")
        },
        .init("unlink/updates-ctime-of-remaining-link") { p in
            p.file("f", "x")
            p.call("link", Glibc.link(p["f"], p["g"]))
            let m = p.mark("g")
            p.call("unlink f", Glibc.unlink(p["f"]))
            p.moved(m)
        },
        .init("unlink/updates-parent-ctime-mtime") { p in
            p.directory("d")
            p.file("d/f")
            let m = p.mark("d")
            p.call("unlink", Glibc.unlink(p["d/f"]))
            p.moved(m)
        },
        .init("unlink/open-descriptor-still-reads") { p in
            p.file("f", "still here")
            let fd = p.open("f", O_RDONLY)
            p.call("unlink", Glibc.unlink(p["f"]))
            p.fstat(fd)
            var buffer = [UInt8](repeating: 0, count: 16)
            p.count("read", read(fd, &buffer, 16))
            p.note("bytes: \(buffer)")
        },
        .init("unlink/open-descriptor-still-writes") { p in
            p.file("f", "x")
            let fd = p.open("f", O_RDWR)
            p.call("unlink", Glibc.unlink(p["f"]))
            p.write(fd, "more", at: 1)
            p.fstat(fd)
        },
        .init("unlink/symlink-removes-link-not-target") { p in
            p.file("f", "x")
            p.call("symlink", symlink("f", p["l"]))
            p.call("unlink l", Glibc.unlink(p["l"]))
            p.stat("l")
            p.stat("f")
        },
        .init("unlink/fifo") { p in
            p.call("mkfifo", mkfifo(p["p"], 0o644))
            p.call("unlink", Glibc.unlink(p["p"]))
            p.stat("p")
        },
        .init("unlink/EISDIR-directory") { p in
            p.directory("d")
            p.call("unlink", Glibc.unlink(p["d"]))
            p.stat("d")
        },
        .init("unlink/ENOTDIR-trailing-slash-on-file") { p in
            p.file("f")
            p.call("unlink f/", Glibc.unlink(p["f"] + "/"))
            p.stat("f")
        },
        .init("unlink/EACCES-nonroot-unwritable-dir") { p in
            p.file("f")
            p.call("chown f", Glibc.chown(p["f"], 1000, 1000))
            p.asUser { p.call("unlink as 1000", Glibc.unlink(p["f"])) }
            p.stat("f")
        },
        .init("unlink/EPERM-nonroot-sticky-dir-other-owner") { p in
            p.call("chmod dir 01777", chmod(p.root, 0o1777))
            p.file("f")
            p.asUser { p.call("unlink as 1000", Glibc.unlink(p["f"])) }
            p.stat("f")
        },
        .init("unlink/nonroot-sticky-dir-own-file") { p in
            p.call("chmod dir 01777", chmod(p.root, 0o1777))
            p.asUser {
                p.open("f", O_WRONLY | O_CREAT, 0o644)
                p.call("unlink as 1000", Glibc.unlink(p["f"]))
            }
            p.stat("f")
        },
    ]
}
