/* getdents DIR: reads a directory with getdents64(2) and a 64 KiB buffer,
 * without stat-ing anything; prints the number of entries (with . and ..). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: getdents DIR\n"); return 2; }
    int fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) { perror(argv[1]); return 1; }
    static char buf[64 * 1024];
    long count = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n < 0) { perror("getdents64"); return 1; }
        if (n == 0) break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            count++;
            off += d->d_reclen;
        }
    }
    close(fd);
    printf("%ld\n", count);
    return 0;
}
