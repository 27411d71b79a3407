// libfuse3 for Swift. Only the FuseBridge target imports this module.
//
// FUSE_USE_VERSION 312 makes fuse_session_loop_mt a real function (with 35
// it is a macro Swift cannot call). Never define _GNU_SOURCE here: clean
// builds then break on fd_set.
#ifndef GATEFS_CFUSE_SHIM_H
#define GATEFS_CFUSE_SHIM_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <stdlib.h>
#include <string.h>

/// FUSE_ARGS_INIT is a macro.
static inline struct fuse_args gatefs_fuse_args(int argc, char **argv) {
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    return args;
}

/// Replies to a read with an fd-backed buffer, so libfuse splices the bytes
/// from the source file to /dev/fuse without copying them through the daemon.
/// FUSE_BUFVEC_INIT is a macro.
static inline int gatefs_reply_fd_data(fuse_req_t req, int fd, off_t offset, size_t size) {
    struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
    buf.buf[0].flags = (enum fuse_buf_flags)(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    buf.buf[0].fd = fd;
    buf.buf[0].pos = offset;
    return fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

/// fuse_file_info's bitfields are not visible from Swift.
static inline void gatefs_fi_set_open_flags(struct fuse_file_info *fi, int keep_cache,
                                            int cache_readdir, int direct_io) {
    fi->keep_cache = keep_cache ? 1 : 0;
    fi->cache_readdir = cache_readdir ? 1 : 0;
    fi->direct_io = direct_io ? 1 : 0;
    fi->nonseekable = 0;
}

/// Writes a request's data (in memory, or in a pipe when libfuse spliced
/// it from /dev/fuse) to `fd` at `offset`, moving it by splice where both
/// sides allow, without a copy through a buffer of ours. FUSE_BUFVEC_INIT
/// is a macro.
static inline ssize_t gatefs_write_buf(struct fuse_bufvec *in, int fd, off_t offset) {
    struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in));
    out.buf[0].flags = (enum fuse_buf_flags)(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    out.buf[0].fd = fd;
    out.buf[0].pos = offset;
    return fuse_buf_copy(&out, in, (enum fuse_buf_copy_flags)0);
}

static inline size_t gatefs_buf_size(const struct fuse_bufvec *in) { return fuse_buf_size(in); }

static const int gatefs_SET_ATTR_MODE = FUSE_SET_ATTR_MODE;
static const int gatefs_SET_ATTR_UID = FUSE_SET_ATTR_UID;
static const int gatefs_SET_ATTR_GID = FUSE_SET_ATTR_GID;
static const int gatefs_SET_ATTR_SIZE = FUSE_SET_ATTR_SIZE;
static const int gatefs_SET_ATTR_ATIME = FUSE_SET_ATTR_ATIME;
static const int gatefs_SET_ATTR_MTIME = FUSE_SET_ATTR_MTIME;
static const int gatefs_SET_ATTR_ATIME_NOW = FUSE_SET_ATTR_ATIME_NOW;
static const int gatefs_SET_ATTR_MTIME_NOW = FUSE_SET_ATTR_MTIME_NOW;

static inline unsigned gatefs_cap_readdirplus(void) { return FUSE_CAP_READDIRPLUS; }
static inline unsigned gatefs_cap_readdirplus_auto(void) { return FUSE_CAP_READDIRPLUS_AUTO; }
static inline unsigned gatefs_cap_splice_write(void) { return FUSE_CAP_SPLICE_WRITE; }
static inline unsigned gatefs_cap_splice_move(void) { return FUSE_CAP_SPLICE_MOVE; }
static inline unsigned gatefs_cap_auto_inval_data(void) { return FUSE_CAP_AUTO_INVAL_DATA; }
static inline unsigned gatefs_cap_async_read(void) { return FUSE_CAP_ASYNC_READ; }

#endif
