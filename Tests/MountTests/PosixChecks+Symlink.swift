import Glibc

extension PosixChecks {
    static let symlinkChecks: [PosixCheck] = [
        .init("symlink/readlink-roundtrip") { p in
            p.call("symlink", Glibc.symlink("some/where", p["l"]))
            p.readlink("l")
        },
        .init("symlink/readlink-roundtrip-non-normal-target") { p in
            p.directory("d")
            p.directory("e")
            p.file("e/f", "F")
            p.call("symlink", Glibc.symlink("../d/../e/./f", p["d/l"]))
            p.readlink("d/l")
            p.stat("d/l")
        },
        .init("symlink/readlink-of-link-to-link-is-the-first-target") { p in
            p.file("f", "F")
            p.call("symlink m", Glibc.symlink("f", p["m"]))
            p.call("symlink l", Glibc.symlink("m", p["l"]))
            p.readlink("l")
        },
        .init("symlink/lstat-type-mode-size") { p in
            p.call("symlink", Glibc.symlink("abcdef", p["l"]))
            p.stat("l")
        },
        .init("symlink/dangling-then-target-appears") { p in
            p.call("symlink", Glibc.symlink("later", p["l"]))
            p.stat("l", follow: true)
            p.file("later", "now")
            p.stat("l", follow: true)
            p.content("l")
        },
        .init("symlink/into-subdirectory-resolves") { p in
            p.directory("d")
            p.file("d/f", "deep")
            p.call("symlink", Glibc.symlink("d/f", p["l"]))
            p.content("l")
        },
        .init("symlink/dotdot-target-resolves") { p in
            p.directory("d")
            p.file("f", "up")
            p.call("symlink", Glibc.symlink("../f", p["d/l"]))
            p.content("d/l")
            p.readlink("d/l")
        },
        .init("symlink/to-directory-traverses") { p in
            p.directory("d")
            p.call("symlink", Glibc.symlink("d", p["l"]))
            p.open("l/f", O_WRONLY | O_CREAT, 0o644)
            p.listing("d")
        },
        .init("symlink/updates-parent-ctime-mtime") { p in
            let m = p.mark("")
            p.call("symlink", Glibc.symlink("x", p["l"]))
            p.moved(m)
        },
        .init("symlink/target-of-4095-bytes") { p in
            let target = String(repeating: "a/", count: 2047) + "b"
            p.call("symlink", Glibc.symlink(target, p["l"]))
            p.stat("l")
        },
        .init("symlink/EEXIST-file") { p in
            p.file("f", "x")
            p.call("symlink", Glibc.symlink("y", p["f"]))
            p.content("f")
        },
        .init("symlink/EEXIST-symlink") { p in
            p.call("symlink 1", Glibc.symlink("one", p["l"]))
            p.call("symlink 2", Glibc.symlink("two", p["l"]))
            p.readlink("l")
        },
        .init("symlink/ENOENT-empty-target") { p in
            p.call("symlink", Glibc.symlink("", p["l"]))
            p.stat("l")
        },
        .init("symlink/ENAMETOOLONG-target-over-PATH_MAX") { p in
            p.call("symlink", Glibc.symlink(String(repeating: "t", count: 4096), p["l"]))
            p.stat("l")
        },
        .init("symlink/ELOOP-self-reference") { p in
            p.call("symlink", Glibc.symlink("l", p["l"]))
            p.stat("l", follow: true)
            p.open("l", O_WRONLY | O_CREAT, 0o644)
        },
        .init("symlink/ELOOP-two-links-pointing-at-each-other") { p in
            p.call("symlink a", Glibc.symlink("b", p["a"]))
            p.call("symlink b", Glibc.symlink("a", p["b"]))
            p.listing()
            p.stat("a")
            p.stat("a", follow: true)
        },
        .init("symlink/nonroot-owner-is-caller") { p in
            p.call("chmod dir", chmod(p.root, 0o777))
            p.asUser { p.call("symlink as 1000", Glibc.symlink("x", p["l"])) }
            p.stat("l")
        },
        .init("symlink/absolute-target-refused-EACCES", refusal: ["symlink /etc/hostname: EACCES", "lstat l: ENOENT"]) { p in
            p.call("symlink /etc/hostname", Glibc.symlink("/etc/hostname", p["l"]))
            p.stat("l")
        },
        .init("symlink/target-leaving-the-view-refused-EACCES", refusal: ["symlink ../ x 12: EACCES", "lstat l: ENOENT"]) { p in
            p.call("symlink ../ x 12", Glibc.symlink(String(repeating: "../", count: 12) + "etc", p["l"]))
            p.stat("l")
        },
    ]
}
