import Glibc

extension PosixChecks {
    static let truncateChecks: [PosixCheck] = [
        .init("truncate/shrinks") { p in
            p.file("f", "0123456789")
            p.call("truncate 4", Glibc.truncate(p["f"], 4))
            p.stat("f")
            p.content("f")
        },
        .init("truncate/grows-with-zeros") { p in
            p.file("f", "ab")
            p.call("truncate 6", Glibc.truncate(p["f"], 6))
            p.stat("f")
            p.content("f")
        },
        .init("truncate/grows-sparse-1GiB") { p in
            p.file("f")
            p.call("truncate 1G", Glibc.truncate(p["f"], 1 << 30))
            p.stat("f")
        },
        .init("truncate/updates-ctime-mtime") { p in
            p.file("f", "0123456789")
            let m = p.mark("f")
            p.call("truncate 3", Glibc.truncate(p["f"], 3))
            p.moved(m)
        },
        .init("truncate/same-size-updates-ctime-mtime") { p in
            p.file("f", "0123")
            let m = p.mark("f")
            p.call("truncate 4", Glibc.truncate(p["f"], 4))
            p.moved(m)
        },
        .init("truncate/follows-symlink") { p in
            p.file("f", "0123456789")
            p.call("symlink", symlink("f", p["l"]))
            p.call("truncate link 2", Glibc.truncate(p["l"], 2))
            p.stat("f")
            p.stat("l")
        },
        .init("truncate/EISDIR") { p in
            p.directory("d")
            p.call("truncate", Glibc.truncate(p["d"], 0))
        },
        .init("truncate/EINVAL-negative-length") { p in
            p.file("f", "x")
            p.call("truncate -1", Glibc.truncate(p["f"], -1))
            p.stat("f")
        },
        .init("truncate/EACCES-nonroot-without-write-permission") { p in
            p.file("f", "x", mode: 0o644)
            p.asUser { p.call("truncate as 1000", Glibc.truncate(p["f"], 0)) }
            p.stat("f")
        },
        .init("truncate/fifo") { p in
            p.call("mkfifo", mkfifo(p["p"], 0o644))
            p.call("truncate fifo", Glibc.truncate(p["p"], 0))
        },
    ]

    static let ftruncateChecks: [PosixCheck] = [
        .init("ftruncate/shrinks") { p in
            p.file("f", "0123456789")
            let fd = p.open("f", O_RDWR)
            p.call("ftruncate 5", Glibc.ftruncate(fd, 5))
            p.fstat(fd)
            p.content("f")
        },
        .init("ftruncate/grows-with-zeros") { p in
            p.file("f", "ab")
            let fd = p.open("f", O_WRONLY)
            p.call("ftruncate 5", Glibc.ftruncate(fd, 5))
            p.content("f")
        },
        .init("ftruncate/updates-ctime-mtime") { p in
            p.file("f", "0123456789")
            let fd = p.open("f", O_WRONLY)
            let m = p.mark("f")
            p.call("ftruncate 1", Glibc.ftruncate(fd, 1))
            p.moved(m)
        },
        .init("ftruncate/then-write-past-end") { p in
            p.file("f", "0123456789")
            let fd = p.open("f", O_RDWR)
            p.call("ftruncate 2", Glibc.ftruncate(fd, 2))
            p.write(fd, "Z", at: 4, label: "pwrite at 4")
            p.content("f")
        },
        .init("ftruncate/EINVAL-negative-length") { p in
            p.file("f", "x")
            let fd = p.open("f", O_WRONLY)
            p.call("ftruncate -1", Glibc.ftruncate(fd, -1))
        },
        .init("ftruncate/EINVAL-or-EBADF-read-only-descriptor") { p in
            p.file("f", "x")
            let fd = p.open("f", O_RDONLY)
            p.call("ftruncate 0", Glibc.ftruncate(fd, 0))
            p.content("f")
        },
        .init("ftruncate/EINVAL-directory-descriptor") { p in
            p.directory("d")
            let fd = p.open("d", O_RDONLY | O_DIRECTORY)
            p.call("ftruncate 0", Glibc.ftruncate(fd, 0))
        },
        .init("ftruncate/nonroot-writable-descriptor-after-chmod-0") { p in
            p.call("chmod dir", chmod(p.root, 0o777))
            p.asUser {
                let fd = p.open("f", O_RDWR | O_CREAT, 0o644)
                p.write(fd, "0123456789")
                p.call("fchmod 0", fchmod(fd, 0))
                p.call("ftruncate 3", Glibc.ftruncate(fd, 3))
                p.fstat(fd)
            }
        },
    ]

    static let fallocateChecks: [PosixCheck] = [
        .init("posix_fallocate/grows-size") { p in
            p.file("f", "abc")
            let fd = p.open("f", O_RDWR)
            p.result("posix_fallocate 0+65536", posix_fallocate(fd, 0, 65536))
            p.fstat(fd)
            var buffer = [UInt8](repeating: 9, count: 8)
            p.count("pread", pread(fd, &buffer, 8, 0))
            p.note("bytes: \(buffer)")
        },
        .init("posix_fallocate/within-size-keeps-size-and-content") { p in
            p.file("f", "0123456789")
            let fd = p.open("f", O_RDWR)
            p.result("posix_fallocate 2+4", posix_fallocate(fd, 2, 4))
            p.fstat(fd)
            p.content("f")
        },
        .init("posix_fallocate/growing-updates-ctime-mtime") { p in
            p.file("f", "x")
            let fd = p.open("f", O_RDWR)
            let m = p.mark("f")
            p.result("posix_fallocate 0+8192", posix_fallocate(fd, 0, 8192))
            p.moved(m)
        },
        .init("posix_fallocate/EBADF-read-only-descriptor") { p in
            p.file("f", "x")
            let fd = p.open("f", O_RDONLY)
            p.result("posix_fallocate", posix_fallocate(fd, 0, 4096))
            p.stat("f")
        },
        .init("posix_fallocate/EINVAL-zero-length") { p in
            p.file("f", "x")
            let fd = p.open("f", O_RDWR)
            p.result("posix_fallocate len 0", posix_fallocate(fd, 0, 0))
        },
        .init("posix_fallocate/EINVAL-negative-offset") { p in
            p.file("f", "x")
            let fd = p.open("f", O_RDWR)
            p.result("posix_fallocate offset -1", posix_fallocate(fd, -1, 10))
        },
        .init("posix_fallocate/FALLOC_FL_KEEP_SIZE") { p in
            p.file("f", "abc")
            let fd = p.open("f", O_RDWR)
            p.call("fallocate keep-size", fallocate(fd, fallocKeepSize, 0, 1 << 20))
            p.fstat(fd)
        },
        .init("posix_fallocate/FALLOC_FL_PUNCH_HOLE-zeroes") { p in
            p.file("f", "0123456789")
            let fd = p.open("f", O_RDWR)
            p.call("fallocate punch 2+5", fallocate(fd, fallocPunchHole | fallocKeepSize, 2, 5))
            p.fstat(fd)
            p.content("f")
        },
    ]
}
