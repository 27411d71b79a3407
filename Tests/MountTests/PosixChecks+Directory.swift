import Glibc

extension PosixChecks {
    static let mkdirChecks: [PosixCheck] = [
        .init("mkdir/mode-nlink-owner") { p in
            p.call("mkdir 0751", Glibc.mkdir(p["d"], 0o751))
            p.stat("d")
            p.listing("d")
        },
        .init("mkdir/umask-applied") { p in
            p.withUmask(0o077) { p.call("mkdir 0777", Glibc.mkdir(p["d"], 0o777)) }
            p.stat("d")
        },
        .init("mkdir/sticky-kept-setgid-ignored") { p in
            p.withUmask(0) { p.call("mkdir 03777", Glibc.mkdir(p["d"], 0o3777)) }
            p.stat("d")
        },
        .init("mkdir/parent-lists-new-subdirectories") { p in
            p.directory("d")
            p.call("mkdir d/e", Glibc.mkdir(p["d/e"], 0o755))
            p.call("mkdir d/f", Glibc.mkdir(p["d/f"], 0o755))
            p.listing("d")
        },
        .init("mkdir/directory-link-count-reported-as-1", refusal: ["mkdir d: ok", "mkdir d/e: ok", "nlink d: 1", "nlink d/e: 1"]) { p in
            p.call("mkdir d", Glibc.mkdir(p["d"], 0o755))
            p.call("mkdir d/e", Glibc.mkdir(p["d/e"], 0o755))
            p.linkCount("d")
            p.linkCount("d/e")
        },
        .init("mkdir/updates-parent-ctime-mtime") { p in
            p.directory("d")
            let m = p.mark("d")
            p.call("mkdir", Glibc.mkdir(p["d/e"], 0o755))
            p.moved(m)
        },
        .init("mkdir/inherits-setgid-and-group") { p in
            p.directory("d", mode: 0o2775)
            p.call("chown d 0:4321", Glibc.chown(p["d"], 0, 4321))
            p.call("chmod d 02775", Glibc.chmod(p["d"], 0o2775))
            p.call("mkdir d/e", Glibc.mkdir(p["d/e"], 0o755))
            p.open("d/f", O_WRONLY | O_CREAT, 0o644)
            p.stat("d/e")
            p.stat("d/f")
        },
        .init("mkdir/trailing-slash") { p in
            p.call("mkdir d/", Glibc.mkdir(p["d"] + "/", 0o755))
            p.stat("d")
        },
        .init("mkdir/EEXIST-directory") { p in
            p.directory("d")
            p.call("mkdir", Glibc.mkdir(p["d"], 0o700))
            p.stat("d")
        },
        .init("mkdir/EEXIST-file") { p in
            p.file("f")
            p.call("mkdir", Glibc.mkdir(p["f"], 0o755))
        },
        .init("mkdir/EEXIST-dangling-symlink") { p in
            p.call("symlink", symlink("nowhere", p["l"]))
            p.call("mkdir", Glibc.mkdir(p["l"], 0o755))
            p.stat("nowhere")
        },
        .init("mkdir/EACCES-nonroot-unwritable-parent") { p in
            p.asUser { p.call("mkdir as 1000", Glibc.mkdir(p["d"], 0o755)) }
            p.stat("d")
        },
        .init("mkdir/nonroot-owner-is-caller") { p in
            p.call("chmod dir", chmod(p.root, 0o777))
            p.asUser { p.call("mkdir as 1000", Glibc.mkdir(p["d"], 0o755)) }
            p.stat("d")
        },
    ]

    static let rmdirChecks: [PosixCheck] = [
        .init("rmdir/removes-empty") { p in
            p.directory("d")
            p.call("rmdir", Glibc.rmdir(p["d"]))
            p.stat("d")
            p.listing()
        },
        .init("rmdir/parent-listing-shrinks") { p in
            p.directory("d")
            p.directory("d/e")
            p.call("rmdir", Glibc.rmdir(p["d/e"]))
            p.listing("d")
        },
        .init("rmdir/updates-parent-ctime-mtime") { p in
            p.directory("d")
            p.directory("d/e")
            let m = p.mark("d")
            p.call("rmdir", Glibc.rmdir(p["d/e"]))
            p.moved(m)
        },
        .init("rmdir/ENOTEMPTY-file-inside") { p in
            p.directory("d")
            p.file("d/f")
            p.call("rmdir", Glibc.rmdir(p["d"]))
            p.listing("d")
        },
        .init("rmdir/ENOTEMPTY-directory-inside") { p in
            p.directory("d")
            p.directory("d/e")
            p.call("rmdir", Glibc.rmdir(p["d"]))
        },
        .init("rmdir/ENOTDIR-file") { p in
            p.file("f")
            p.call("rmdir", Glibc.rmdir(p["f"]))
        },
        .init("rmdir/ENOTDIR-symlink-to-directory") { p in
            p.directory("d")
            p.call("symlink", symlink("d", p["l"]))
            p.call("rmdir", Glibc.rmdir(p["l"]))
            p.stat("d")
        },
        .init("rmdir/EINVAL-dot") { p in
            p.directory("d")
            p.call("rmdir d/.", Glibc.rmdir(p["d"] + "/."))
            p.stat("d")
        },
        .init("rmdir/ENOTEMPTY-dotdot") { p in
            p.directory("d")
            p.call("rmdir d/..", Glibc.rmdir(p["d"] + "/.."))
        },
        .init("rmdir/EPERM-nonroot-sticky-dir-other-owner") { p in
            p.call("chmod dir 01777", chmod(p.root, 0o1777))
            p.directory("d")
            p.asUser { p.call("rmdir as 1000", Glibc.rmdir(p["d"])) }
            p.stat("d")
        },
        .init("rmdir/directory-open-elsewhere") { p in
            p.directory("d")
            let fd = p.open("d", O_RDONLY | O_DIRECTORY)
            p.call("rmdir", Glibc.rmdir(p["d"]))
            p.fstat(fd)
            p.call("openat in removed dir", openat(fd, "x", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644))
        },
    ]

    static let mkfifoChecks: [PosixCheck] = [
        .init("mkfifo/creates-fifo") { p in
            p.call("mkfifo 0640", Glibc.mkfifo(p["p"], 0o640))
            p.stat("p")
        },
        .init("mkfifo/umask-applied") { p in
            p.withUmask(0o026) { p.call("mkfifo 0666", Glibc.mkfifo(p["p"], 0o666)) }
            p.stat("p")
        },
        .init("mkfifo/updates-parent-ctime-mtime") { p in
            let m = p.mark("")
            p.call("mkfifo", Glibc.mkfifo(p["p"], 0o644))
            p.moved(m)
        },
        .init("mkfifo/EEXIST") { p in
            p.file("f")
            p.call("mkfifo", Glibc.mkfifo(p["f"], 0o644))
            p.stat("f")
        },
        .init("mkfifo/ENXIO-nonblocking-writer-without-reader") { p in
            p.call("mkfifo", Glibc.mkfifo(p["p"], 0o644))
            p.open("p", O_WRONLY | O_NONBLOCK)
        },
        .init("mkfifo/data-passes") { p in
            p.call("mkfifo", Glibc.mkfifo(p["p"], 0o644))
            let r = p.open("p", O_RDONLY | O_NONBLOCK)
            let w = p.open("p", O_WRONLY | O_NONBLOCK)
            p.write(w, "through")
            var buffer = [UInt8](repeating: 0, count: 7)
            p.count("read", read(r, &buffer, 7))
            p.note("bytes: \(buffer)")
        },
    ]

    static let mknodChecks: [PosixCheck] = [
        .init("mknod/S_IFIFO") { p in
            p.call("mknod fifo", Glibc.mknod(p["p"], S_IFIFO | 0o600, 0))
            p.stat("p")
        },
        .init("mknod/S_IFREG") { p in
            p.call("mknod reg", Glibc.mknod(p["f"], S_IFREG | 0o640, 0))
            p.stat("f")
        },
        .init("mknod/S_IFREG-setuid-stripped", refusal: ["mknod reg 04755: ok", "lstat f: reg 755 nlink=1 uid=0 gid=0 size=0"]) { p in
            p.withUmask(0) { p.call("mknod reg 04755", Glibc.mknod(p["f"], S_IFREG | 0o4755, 0)) }
            p.stat("f")
        },
        .init("mknod/type-zero-is-regular") { p in
            p.call("mknod 0", Glibc.mknod(p["f"], 0o600, 0))
            p.stat("f")
        },
        .init("mknod/S_IFSOCK") { p in
            p.call("mknod sock", Glibc.mknod(p["s"], S_IFSOCK | 0o600, 0))
            p.stat("s")
        },
        .init("mknod/EEXIST") { p in
            p.file("f")
            p.call("mknod", Glibc.mknod(p["f"], S_IFIFO | 0o600, 0))
        },
        .init("mknod/EPERM-S_IFDIR") { p in
            p.call("mknod dir", Glibc.mknod(p["d"], S_IFDIR | 0o755, 0))
            p.stat("d")
        },
        .init("mknod/EINVAL-unknown-type") { p in
            p.call("mknod type 0o070000", Glibc.mknod(p["x"], 0o070000 | 0o644, 0))
        },
        .init("mknod/S_IFCHR-refused-EPERM", refusal: ["mknod chr 1:3: EPERM", "lstat c: ENOENT", "listing .: []"]) { p in
            p.call("mknod chr 1:3", Glibc.mknod(p["c"], S_IFCHR | 0o666, device(1, 3)))
            p.stat("c")
            p.listing()
        },
        .init("mknod/S_IFBLK-refused-EPERM", refusal: ["mknod blk 7:0: EPERM", "lstat b: ENOENT", "listing .: []"]) { p in
            p.call("mknod blk 7:0", Glibc.mknod(p["b"], S_IFBLK | 0o660, device(7, 0)))
            p.stat("b")
            p.listing()
        },
        .init("mknod/S_IFCHR-whiteout-0:0-refused-EPERM", refusal: ["mknod chr 0:0: EPERM", "lstat w: ENOENT"]) { p in
            p.call("mknod chr 0:0", Glibc.mknod(p["w"], S_IFCHR | 0o600, 0))
            p.stat("w")
        },
    ]
}
