import Glibc

extension PosixChecks {
    static let openChecks: [PosixCheck] = [
        .init("open/O_CREAT-new-file-mode-owner") { p in
            p.open("f", O_WRONLY | O_CREAT, 0o640)
            p.stat("f")
            p.listing()
        },
        .init("open/O_CREAT-setuid-setgid-stripped", refusal: [
            "open f O_WRONLY|O_CREAT: ok", "lstat f: reg 755 nlink=1 uid=0 gid=0 size=0",
        ]) { p in
            p.withUmask(0) { p.open("f", O_WRONLY | O_CREAT, 0o6755) }
            p.stat("f")
        },
        .init("open/O_CREAT-umask-applied") { p in
            p.withUmask(0o027) { p.open("f", O_WRONLY | O_CREAT, 0o777) }
            p.stat("f")
        },
        .init("open/O_CREAT-umask-zero-keeps-mode") { p in
            p.withUmask(0) { p.open("f", O_WRONLY | O_CREAT, 0o777) }
            p.stat("f")
        },
        .init("open/O_CREAT-updates-parent-ctime-mtime") { p in
            let m = p.mark("")
            p.open("f", O_WRONLY | O_CREAT, 0o644)
            p.moved(m)
        },
        .init("open/O_CREAT-existing-keeps-content-and-times") { p in
            p.file("f", "keep")
            let m = p.mark("f")
            p.open("f", O_WRONLY | O_CREAT, 0o600)
            p.moved(m)
            p.stat("f")
            p.content("f")
        },
        .init("open/O_EXCL-existing-EEXIST") { p in
            p.file("f", "x")
            p.open("f", O_WRONLY | O_CREAT | O_EXCL, 0o644)
            p.content("f")
        },
        .init("open/O_EXCL-existing-dir-EEXIST") { p in
            p.directory("d")
            p.open("d", O_RDONLY | O_CREAT | O_EXCL, 0o644)
        },
        .init("open/O_EXCL-dangling-symlink-EEXIST") { p in
            p.call("symlink", symlink("target", p["l"]))
            p.open("l", O_WRONLY | O_CREAT | O_EXCL, 0o644)
            p.stat("target")
        },
        .init("open/O_CREAT-dangling-symlink-creates-target") { p in
            p.call("symlink", symlink("target", p["l"]))
            p.open("l", O_WRONLY | O_CREAT, 0o644)
            p.stat("target")
            p.stat("l")
        },
        .init("open/O_TRUNC-truncates-updates-ctime-mtime") { p in
            p.file("f", "some bytes")
            let m = p.mark("f")
            p.open("f", O_WRONLY | O_TRUNC)
            p.moved(m)
            p.stat("f")
        },
        .init("open/O_TRUNC-empty-file-updates-ctime-mtime") { p in
            p.file("f")
            let m = p.mark("f")
            p.open("f", O_WRONLY | O_TRUNC)
            p.moved(m)
        },
        .init("open/O_RDONLY-keeps-ctime-mtime") { p in
            p.file("f", "x")
            let m = p.mark("f")
            p.open("f", O_RDONLY)
            p.moved(m)
        },
        .init("open/ENOENT-without-O_CREAT") { p in
            p.open("missing", O_WRONLY)
        },
        .init("open/EISDIR-directory-for-write") { p in
            p.directory("d")
            p.open("d", O_WRONLY)
            p.open("d", O_RDWR)
        },
        .init("open/EISDIR-O_CREAT-on-directory") { p in
            p.directory("d")
            p.open("d", O_RDONLY | O_CREAT, 0o644)
        },
        .init("open/EISDIR-O_CREAT-trailing-slash") { p in
            p.open("f/", O_WRONLY | O_CREAT, 0o644)
            p.stat("f")
        },
        .init("open/EINVAL-O_CREAT-with-O_DIRECTORY") { p in
            p.open("f", O_RDONLY | O_CREAT | O_DIRECTORY, 0o644)
            p.stat("f")
        },
        .init("open/ELOOP-O_NOFOLLOW-on-symlink") { p in
            p.file("f")
            p.call("symlink", symlink("f", p["l"]))
            p.open("l", O_WRONLY | O_NOFOLLOW)
        },
        .init("open/ENOTDIR-O_DIRECTORY-on-file") { p in
            p.file("f")
            p.open("f", O_RDONLY | O_DIRECTORY)
        },
        .init("open/O_APPEND-writes-at-end") { p in
            p.file("f", "head-")
            let fd = p.open("f", O_WRONLY | O_APPEND)
            p.write(fd, "tail", at: nil)
            p.content("f")
        },
        .init("open/O_RDWR-write-then-read-back") { p in
            let fd = p.open("f", O_RDWR | O_CREAT, 0o644)
            p.write(fd, "0123456789")
            p.write(fd, "ab", at: 4, label: "pwrite at 4")
            p.write(fd, "end", at: 20, label: "pwrite past the end")
            var buffer = [UInt8](repeating: 0, count: 32)
            p.count("pread", pread(fd, &buffer, 32, 0))
            p.note("pread bytes: \(buffer)")
            p.fstat(fd)
        },
        .init("open/write-updates-ctime-mtime") { p in
            p.file("f", "x")
            let fd = p.open("f", O_WRONLY)
            let m = p.mark("f")
            p.write(fd, "y")
            p.call("fsync", fsync(fd))
            p.moved(m)
        },
        .init("open/EBADF-write-on-O_RDONLY") { p in
            p.file("f", "x")
            let fd = p.open("f", O_RDONLY)
            p.write(fd, "y")
            p.content("f")
        },
        .init("open/EACCES-nonroot-no-write-permission") { p in
            p.call("chmod dir", chmod(p.root, 0o777))
            p.file("f", "x", mode: 0o644)
            p.asUser { p.open("f", O_WRONLY) }
        },
        .init("open/EACCES-nonroot-create-in-unwritable-dir") { p in
            p.asUser { p.open("f", O_WRONLY | O_CREAT, 0o644) }
            p.stat("f")
        },
        .init("open/O_CREAT-nonroot-owner-is-caller") { p in
            p.call("chmod dir", chmod(p.root, 0o777))
            p.asUser { p.open("f", O_WRONLY | O_CREAT, 0o644) }
            p.stat("f")
        },
        .init("open/nonroot-owner-writes-own-0200-file") { p in
            p.call("chmod dir", chmod(p.root, 0o777))
            p.asUser {
                let fd = p.open("f", O_WRONLY | O_CREAT, 0o200)
                p.write(fd, "w")
                p.open("f", O_RDONLY)
            }
            p.stat("f")
        },
    ]
}
