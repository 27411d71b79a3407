// System-call shims for gatefs's syscall funnel (GateSystem).
//
// Swift's Glibc module is built without _GNU_SOURCE, so it cannot see
// O_PATH, AT_EMPTY_PATH, statx, openat2, getdents64 or POSIX_SPAWN_SETSID,
// and it cannot call variadic functions such as syscall(2). These small
// inline wrappers expose exactly what gatefs needs. Never define
// _GNU_SOURCE here: it breaks clean builds (fd_set redefinition).
#ifndef GATEFS_CGATESYS_SHIM_H
#define GATEFS_CGATESYS_SHIM_H

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <linux/stat.h>

static const int gatefs_O_PATH = 010000000;        // O_PATH on every Linux arch we build for
static const int gatefs_O_NOFOLLOW = O_NOFOLLOW;
static const int gatefs_O_DIRECTORY = O_DIRECTORY;
static const int gatefs_O_CLOEXEC = O_CLOEXEC;
static const int gatefs_AT_EMPTY_PATH = 0x1000;
static const int gatefs_AT_SYMLINK_NOFOLLOW = AT_SYMLINK_NOFOLLOW;
static const uint64_t gatefs_RESOLVE_BENEATH = RESOLVE_BENEATH;
static const uint64_t gatefs_RESOLVE_NO_SYMLINKS = RESOLVE_NO_SYMLINKS;
static const uint64_t gatefs_RESOLVE_NO_MAGICLINKS = RESOLVE_NO_MAGICLINKS;
static const uint64_t gatefs_RESOLVE_NO_XDEV = RESOLVE_NO_XDEV;
static const short gatefs_POSIX_SPAWN_SETSID = 0x80;

/// openat2(2) through syscall(2): glibc has no wrapper.
static inline int gatefs_openat2(int dirfd, const char *path, uint64_t flags,
                                 uint64_t mode, uint64_t resolve) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = flags;
    how.mode = mode;
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/// Everything gatefs needs from statx(2), flattened for Swift: the stat
/// fields plus the mount id, so one syscall answers both "what is it" and
/// "does it lie on another mount".
struct gatefs_stat {
    uint64_t dev, ino, rdev, size, blocks, mount_id, attributes;
    uint32_t mode, nlink, uid, gid, blksize;
    int64_t atime_sec, mtime_sec, ctime_sec;
    uint32_t atime_nsec, mtime_nsec, ctime_nsec;
};

static inline uint64_t gatefs_makedev(uint64_t maj, uint64_t min) {   // glibc's makedev()
    return ((maj & 0x00000fffULL) << 8) | ((maj & 0xfffff000ULL) << 32) |
           (min & 0x000000ffULL) | ((min & 0xffffff00ULL) << 12);
}

static inline int gatefs_statx(int dirfd, const char *path, int flags, struct gatefs_stat *out) {
    struct statx sx;
    memset(&sx, 0, sizeof sx);
    int rc = (int)syscall(SYS_statx, dirfd, path, flags | 0x800 /* AT_NO_AUTOMOUNT */,
                          STATX_BASIC_STATS | 0x00001000U /* STATX_MNT_ID */, &sx);
    if (rc != 0) return rc;
    out->dev = gatefs_makedev(sx.stx_dev_major, sx.stx_dev_minor);
    out->rdev = gatefs_makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
    out->ino = sx.stx_ino;
    out->size = sx.stx_size;
    out->blocks = sx.stx_blocks;
    out->mount_id = (sx.stx_mask & 0x00001000U) ? sx.stx_mnt_id : 0;
    out->attributes = sx.stx_attributes;
    out->mode = sx.stx_mode;
    out->nlink = sx.stx_nlink;
    out->uid = sx.stx_uid;
    out->gid = sx.stx_gid;
    out->blksize = sx.stx_blksize;
    out->atime_sec = sx.stx_atime.tv_sec; out->atime_nsec = sx.stx_atime.tv_nsec;
    out->mtime_sec = sx.stx_mtime.tv_sec; out->mtime_nsec = sx.stx_mtime.tv_nsec;
    out->ctime_sec = sx.stx_ctime.tv_sec; out->ctime_nsec = sx.stx_ctime.tv_nsec;
    return 0;
}

/// getdents64(2) through syscall(2).
static inline long gatefs_getdents64(int fd, void *buf, size_t len) {
    return syscall(SYS_getdents64, fd, buf, len);
}

/// Walks one linux_dirent64 record in a getdents64 buffer.
static inline void gatefs_dirent_fields(const void *rec, uint64_t *ino, uint16_t *reclen,
                                        uint8_t *type, const char **name) {
    const unsigned char *p = (const unsigned char *)rec;
    memcpy(ino, p, 8);
    memcpy(reclen, p + 16, 2);
    *type = p[18];
    *name = (const char *)(p + 19);
}

/// Resets SIGINT, SIGTERM, SIGHUP and SIGPIPE to their default action and
/// unblocks them. A process started from a script or from Foundation's Process
/// may inherit them ignored or blocked; libfuse's handlers are only installed
/// when the disposition is SIG_DFL, so without this SIGTERM would never
/// unmount. The daemon then ignores SIGPIPE (gatefs_ignore_sigpipe).
static inline int gatefs_reset_termination_signals(void) {
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    sigset_t set;
    sigemptyset(&set);
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        signal(sigs[i], SIG_DFL);
        sigaddset(&set, sigs[i]);
    }
    return sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/// Ignores SIGPIPE (the audit writer and the ready pipe must see EPIPE, not die).
static inline void gatefs_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

/// Resets every signal mask and disposition in a posix_spawn attribute set,
/// and asks for a new session (POSIX_SPAWN_SETSID) when `setsid` is non-zero.
static inline int gatefs_spawnattr_init_clean(posix_spawnattr_t *attr, int setsid) {
    int rc = posix_spawnattr_init(attr);
    if (rc != 0) return rc;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (setsid) flags |= gatefs_POSIX_SPAWN_SETSID;
    return posix_spawnattr_setflags(attr, flags);
}

static inline long gatefs_fgetxattr(int fd, const char *name, void *value, size_t size) {
    return (long)fgetxattr(fd, name, value, size);
}

static inline long gatefs_flistxattr(int fd, char *list, size_t size) {
    return (long)flistxattr(fd, list, size);
}

/// renameat2(2): glibc declares it only under _GNU_SOURCE.
static inline int gatefs_renameat2(int olddir, const char *oldname, int newdir, const char *newname,
                                   unsigned flags) {
    return (int)syscall(SYS_renameat2, olddir, oldname, newdir, newname, flags);
}
static const unsigned gatefs_RENAME_NOREPLACE = 1;
static const unsigned gatefs_RENAME_EXCHANGE = 2;
static const long gatefs_UTIME_NOW = UTIME_NOW;
static const long gatefs_UTIME_OMIT = UTIME_OMIT;

/// fallocate(2): glibc declares it only under _GNU_SOURCE.
static inline int gatefs_fallocate(int fd, int mode, int64_t offset, int64_t length) {
    return (int)syscall(SYS_fallocate, fd, mode, (off_t)offset, (off_t)length);
}

static inline int gatefs_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags) {
    return fsetxattr(fd, name, value, size, flags);
}

static inline int gatefs_fremovexattr(int fd, const char *name) {
    return fremovexattr(fd, name);
}

/* Caps glibc's malloc arenas. By default each thread that meets a busy
 * arena gets its own (up to 8 per core), and memory freed in one is kept
 * there: a daemon whose worker threads take turns building large listings
 * grows by one listing per arena. */
static inline int gatefs_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}

#endif
