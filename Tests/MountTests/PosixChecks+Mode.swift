import Glibc

extension PosixChecks {
    static let chmodChecks: [PosixCheck] = [
        .init("chmod/file-mode-changes") { p in
            p.file("f")
            p.call("chmod 0600", Glibc.chmod(p["f"], 0o600))
            p.stat("f")
        },
        .init("chmod/updates-ctime-not-mtime") { p in
            p.file("f", "x")
            let m = p.mark("f")
            p.call("chmod 0640", Glibc.chmod(p["f"], 0o640))
            p.moved(m)
        },
        .init("chmod/directory-mode-changes") { p in
            p.directory("d")
            p.call("chmod 0700", Glibc.chmod(p["d"], 0o700))
            p.stat("d")
        },
        .init("chmod/follows-symlink") { p in
            p.file("f")
            p.call("symlink", symlink("f", p["l"]))
            p.call("chmod link 0604", Glibc.chmod(p["l"], 0o604))
            p.stat("f")
            p.stat("l")
        },
        .init("chmod/fchmodat-AT_SYMLINK_NOFOLLOW-on-symlink") { p in
            p.file("f")
            p.call("symlink", symlink("f", p["l"]))
            p.call("fchmodat nofollow", fchmodat(AT_FDCWD, p["l"], 0o600, AT_SYMLINK_NOFOLLOW))
            p.stat("f")
            p.stat("l")
        },
        .init("chmod/fchmod-on-descriptor") { p in
            let fd = p.open("f", O_WRONLY | O_CREAT, 0o644)
            p.call("fchmod 0400", fchmod(fd, 0o400))
            p.stat("f")
        },
        .init("chmod/sticky-bit-on-file-kept") { p in
            p.file("f")
            p.call("chmod 01644", Glibc.chmod(p["f"], 0o1644))
            p.stat("f")
        },
        .init("chmod/setgid-sticky-kept-on-directory") { p in
            p.directory("d")
            p.call("chmod 03775", Glibc.chmod(p["d"], 0o3775))
            p.stat("d")
        },
        .init("chmod/mode-zero") { p in
            p.file("f", "x")
            p.call("chmod 0", Glibc.chmod(p["f"], 0))
            p.stat("f")
            p.content("f")
        },
        .init("chmod/fifo") { p in
            p.call("mkfifo", mkfifo(p["p"], 0o644))
            p.call("chmod 0600", Glibc.chmod(p["p"], 0o600))
            p.stat("p")
        },
        .init("chmod/EPERM-nonroot-not-owner") { p in
            p.file("f")
            p.asUser { p.call("chmod as 1000", Glibc.chmod(p["f"], 0o666)) }
            p.stat("f")
        },
        .init("chmod/nonroot-owner-may") { p in
            p.file("f")
            p.call("chown 1000", Glibc.chown(p["f"], 1000, 1000))
            p.asUser { p.call("chmod as 1000", Glibc.chmod(p["f"], 0o600)) }
            p.stat("f")
        },
        .init("chmod/nonroot-setgid-cleared-outside-group") { p in
            p.directory("d")
            p.call("chown d 1000:0", Glibc.chown(p["d"], 1000, 0))
            p.asUser { p.call("chmod d 02755 as 1000", Glibc.chmod(p["d"], 0o2755)) }
            p.stat("d")
        },
        .init("chmod/setuid-stripped-on-regular-file", refusal: [
            "setup create f: ok", "setup chmod f: ok", "chmod 04755: ok", "lstat f: reg 755 nlink=1 uid=0 gid=0 size=0",
        ]) { p in
            p.file("f")
            p.call("chmod 04755", Glibc.chmod(p["f"], 0o4755))
            p.stat("f")
        },
        .init("chmod/setgid-stripped-on-regular-file", refusal: [
            "setup create f: ok", "setup chmod f: ok", "chmod 02755: ok", "lstat f: reg 755 nlink=1 uid=0 gid=0 size=0",
        ]) { p in
            p.file("f")
            p.call("chmod 02755", Glibc.chmod(p["f"], 0o2755))
            p.stat("f")
        },
        .init("chmod/setuid-setgid-stripped-sticky-kept-on-regular-file", refusal: [
            "setup create f: ok", "setup chmod f: ok", "fchmod 07755: ok", "fstat: reg 1755 nlink=1 uid=0 gid=0 size=0",
        ]) { p in
            p.file("f")
            let fd = Glibc.open(p["f"], O_RDONLY | O_CLOEXEC)
            p.call("fchmod 07755", fchmod(fd, 0o7755))
            p.fstat(fd)
            close(fd)
        },
    ]

    static let chownChecks: [PosixCheck] = [
        .init("chown/root-changes-owner-and-group") { p in
            p.file("f")
            p.call("chown 1234:5678", Glibc.chown(p["f"], 1234, 5678))
            p.stat("f")
        },
        .init("chown/updates-ctime-not-mtime") { p in
            p.file("f", "x")
            let m = p.mark("f")
            p.call("chown 1234:1234", Glibc.chown(p["f"], 1234, 1234))
            p.moved(m)
        },
        .init("chown/minus-one-keeps") { p in
            p.file("f")
            p.call("chown 1234:5678", Glibc.chown(p["f"], 1234, 5678))
            p.call("chown -1:42", Glibc.chown(p["f"], uid_t.max, 42))
            p.stat("f")
            p.call("chown 43:-1", Glibc.chown(p["f"], 43, gid_t.max))
            p.stat("f")
        },
        .init("chown/follows-symlink") { p in
            p.file("f")
            p.call("symlink", symlink("f", p["l"]))
            p.call("chown link", Glibc.chown(p["l"], 1234, 1234))
            p.stat("f")
            p.stat("l")
        },
        .init("chown/lchown-changes-the-link") { p in
            p.file("f")
            p.call("symlink", symlink("f", p["l"]))
            p.call("lchown link", lchown(p["l"], 1234, 1234))
            p.stat("f")
            p.stat("l")
        },
        .init("chown/fchown-on-descriptor") { p in
            let fd = p.open("f", O_WRONLY | O_CREAT, 0o644)
            p.call("fchown", fchown(fd, 77, 88))
            p.fstat(fd)
        },
        .init("chown/directory-keeps-setgid") { p in
            p.directory("d", mode: 0o2755)
            p.call("chown d", Glibc.chown(p["d"], 1234, 1234))
            p.stat("d")
        },
        .init("chown/keeps-permission-bits") { p in
            p.file("f", mode: 0o755)
            p.call("chown", Glibc.chown(p["f"], 1234, 1234))
            p.stat("f")
        },
        .init("chown/EPERM-nonroot-gives-away") { p in
            p.file("f")
            p.call("chown 1000", Glibc.chown(p["f"], 1000, 1000))
            p.asUser { p.call("chown to 1001 as 1000", Glibc.chown(p["f"], 1001, gid_t.max)) }
            p.stat("f")
        },
        .init("chown/nonroot-owner-to-own-group") { p in
            p.file("f")
            p.call("chown 1000:0", Glibc.chown(p["f"], 1000, 0))
            p.asUser { p.call("chown -1:1000 as 1000", Glibc.chown(p["f"], uid_t.max, 1000)) }
            p.stat("f")
        },
        .init("chown/EPERM-nonroot-to-foreign-group") { p in
            p.file("f")
            p.call("chown 1000:1000", Glibc.chown(p["f"], 1000, 1000))
            p.asUser { p.call("chown -1:0 as 1000", Glibc.chown(p["f"], uid_t.max, 0)) }
            p.stat("f")
        },
        .init("chown/EPERM-nonroot-not-owner") { p in
            p.file("f")
            p.asUser { p.call("chown -1:1000 as 1000", Glibc.chown(p["f"], uid_t.max, 1000)) }
            p.stat("f")
        },
    ]
}
