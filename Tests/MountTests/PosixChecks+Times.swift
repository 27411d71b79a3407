import Glibc

extension PosixChecks {
    static let utimensatChecks: [PosixCheck] = [
        .init("utimensat/sets-explicit-times") { p in
            p.file("f")
            p.call("utimensat", utimens(p["f"], (1_000_000_000, 123_456_789), (1_100_000_000, 987_654_321)))
            p.times("f")
        },
        .init("utimensat/updates-ctime") { p in
            p.file("f")
            let m = p.mark("f")
            p.call("utimensat", utimens(p["f"], (1_000_000_000, 0), (1_000_000_000, 0)))
            p.moved(m)
        },
        .init("utimensat/UTIME_NOW-both") { p in
            p.file("f")
            p.call("utimensat set", utimens(p["f"], (1_000_000_000, 0), (1_000_000_000, 0)))
            let m = p.mark("f")
            p.call("utimensat now", utimens(p["f"], (0, utimeNow), (0, utimeNow)))
            p.moved(m)
        },
        .init("utimensat/NULL-times-is-now") { p in
            p.file("f")
            p.call("utimensat set", utimens(p["f"], (1_000_000_000, 0), (1_000_000_000, 0)))
            let m = p.mark("f")
            p.call("utimensat NULL", Glibc.utimensat(AT_FDCWD, p["f"], nil, 0))
            p.moved(m)
        },
        .init("utimensat/UTIME_OMIT-atime-sets-mtime") { p in
            p.file("f")
            p.call("utimensat set", utimens(p["f"], (1_000_000_000, 5), (1_000_000_000, 5)))
            p.call("utimensat omit atime", utimens(p["f"], (0, utimeOmit), (1_200_000_000, 7)))
            p.times("f")
        },
        .init("utimensat/UTIME_NOW-mtime-UTIME_OMIT-atime") { p in
            p.file("f")
            p.call("utimensat set", utimens(p["f"], (1_000_000_000, 5), (1_000_000_000, 5)))
            let m = p.mark("f")
            p.call("utimensat", utimens(p["f"], (0, utimeOmit), (0, utimeNow)))
            p.moved(m)
            var st = stat()
            lstat(p["f"], &st)
            p.note("atime kept: \(st.st_atim.tv_sec == 1_000_000_000 && st.st_atim.tv_nsec == 5)")
        },
        .init("utimensat/UTIME_OMIT-both-changes-nothing") { p in
            p.file("f")
            p.call("utimensat set", utimens(p["f"], (1_000_000_000, 5), (1_000_000_000, 5)))
            let m = p.mark("f")
            p.call("utimensat omit", utimens(p["f"], (0, utimeOmit), (0, utimeOmit)))
            p.moved(m)
            p.times("f")
        },
        .init("utimensat/before-1970-and-after-2038") { p in
            p.file("f")
            p.call("utimensat", utimens(p["f"], (-1_000_000, 0), (4_000_000_000, 1)))
            p.times("f")
        },
        .init("utimensat/AT_SYMLINK_NOFOLLOW-sets-the-link") { p in
            p.file("f")
            p.call("utimensat f", utimens(p["f"], (1_000_000_000, 0), (1_000_000_000, 0)))
            p.call("symlink", symlink("f", p["l"]))
            p.call("utimensat l nofollow", utimens(p["l"], (1_300_000_000, 0), (1_300_000_000, 0), flags: AT_SYMLINK_NOFOLLOW))
            p.times("f")
            p.times("l")
        },
        .init("utimensat/follows-symlink") { p in
            p.file("f")
            p.call("symlink", symlink("f", p["l"]))
            p.call("utimensat l", utimens(p["l"], (1_300_000_000, 0), (1_300_000_000, 0)))
            p.times("f")
        },
        .init("utimensat/directory") { p in
            p.directory("d")
            p.call("utimensat d", utimens(p["d"], (1_000_000_000, 1), (1_000_000_001, 2)))
            p.times("d")
        },
        .init("utimensat/futimens-on-descriptor") { p in
            let fd = p.open("f", O_WRONLY | O_CREAT, 0o644)
            var ts = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_100, tv_nsec: 0)]
            p.call("futimens", futimens(fd, &ts))
            p.times("f")
        },
        .init("utimensat/EINVAL-nanoseconds-out-of-range") { p in
            p.file("f")
            p.call("utimensat", utimens(p["f"], (1, 1_000_000_000), (1, 0)))
        },
        .init("utimensat/EPERM-nonroot-explicit-times-not-owner") { p in
            p.file("f", mode: 0o666)
            p.asUser { p.call("utimensat as 1000", utimens(p["f"], (1, 0), (1, 0))) }
        },
        .init("utimensat/nonroot-UTIME_NOW-with-write-permission") { p in
            p.file("f", mode: 0o666)
            p.asUser { p.call("utimensat now as 1000", utimens(p["f"], (0, utimeNow), (0, utimeNow))) }
        },
        .init("utimensat/EACCES-nonroot-UTIME_NOW-without-write-permission") { p in
            p.file("f", mode: 0o644)
            p.asUser { p.call("utimensat now as 1000", utimens(p["f"], (0, utimeNow), (0, utimeNow))) }
        },
        .init("utimensat/nonroot-owner-explicit-times") { p in
            p.file("f", mode: 0o644)
            p.call("chown 1000", Glibc.chown(p["f"], 1000, 1000))
            p.asUser { p.call("utimensat as 1000", utimens(p["f"], (5, 0), (6, 0))) }
            p.times("f")
        },
    ]
}
