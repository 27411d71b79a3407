import Glibc

/// The symbolic name of an errno, e.g. `ENOENT`; `E<n>` for codes outside the table.
///
/// Names, not numbers, go into the log so it reads the same on every
/// architecture. Aliases resolve to the Linux-preferred name (`EAGAIN`, not
/// `EWOULDBLOCK`; `EOPNOTSUPP`, not `ENOTSUP`; `ENODATA`, which is also `ENOATTR`).
public func errnoName(_ code: Int32) -> String {
    switch code {
    case 0: "OK"
    case EPERM: "EPERM"
    case ENOENT: "ENOENT"
    case ESRCH: "ESRCH"
    case EINTR: "EINTR"
    case EIO: "EIO"
    case ENXIO: "ENXIO"
    case E2BIG: "E2BIG"
    case ENOEXEC: "ENOEXEC"
    case EBADF: "EBADF"
    case ECHILD: "ECHILD"
    case EAGAIN: "EAGAIN"
    case ENOMEM: "ENOMEM"
    case EACCES: "EACCES"
    case EFAULT: "EFAULT"
    case EBUSY: "EBUSY"
    case EEXIST: "EEXIST"
    case EXDEV: "EXDEV"
    case ENODEV: "ENODEV"
    case ENOTDIR: "ENOTDIR"
    case EISDIR: "EISDIR"
    case EINVAL: "EINVAL"
    case ENFILE: "ENFILE"
    case EMFILE: "EMFILE"
    case ENOTTY: "ENOTTY"
    case ETXTBSY: "ETXTBSY"
    case EFBIG: "EFBIG"
    case ENOSPC: "ENOSPC"
    case ESPIPE: "ESPIPE"
    case EROFS: "EROFS"
    case EMLINK: "EMLINK"
    case EPIPE: "EPIPE"
    case ERANGE: "ERANGE"
    case EDEADLK: "EDEADLK"
    case ENAMETOOLONG: "ENAMETOOLONG"
    case ENOLCK: "ENOLCK"
    case ENOSYS: "ENOSYS"
    case ENOTEMPTY: "ENOTEMPTY"
    case ELOOP: "ELOOP"
    case ENODATA: "ENODATA"
    case EOVERFLOW: "EOVERFLOW"
    case EOPNOTSUPP: "EOPNOTSUPP"
    case ETIMEDOUT: "ETIMEDOUT"
    case ESTALE: "ESTALE"
    case EDQUOT: "EDQUOT"
    case ECANCELED: "ECANCELED"
    default: "E\(code)"
    }
}
