import SystemPackage

/// The symbolic name of an errno, e.g. `ENOENT`; `E<n>` for codes outside the table.
///
/// Names, not numbers, go into the log so it reads the same on every
/// architecture. Aliases resolve to the Linux-preferred name (`EAGAIN`, not
/// `EWOULDBLOCK`; `EOPNOTSUPP`, not `ENOTSUP`; `ENODATA`, which is also `ENOATTR`).
/// The numbers come from swift-system's `Errno`, which takes them from the C headers.
public func errnoName(_ code: Int32) -> String {
    switch code {
    case 0: "OK"
    case Errno.notPermitted.rawValue: "EPERM"
    case Errno.noSuchFileOrDirectory.rawValue: "ENOENT"
    case Errno.noSuchProcess.rawValue: "ESRCH"
    case Errno.interrupted.rawValue: "EINTR"
    case Errno.ioError.rawValue: "EIO"
    case Errno.noSuchAddressOrDevice.rawValue: "ENXIO"
    case Errno.argListTooLong.rawValue: "E2BIG"
    case Errno.execFormatError.rawValue: "ENOEXEC"
    case Errno.badFileDescriptor.rawValue: "EBADF"
    case Errno.noChildProcess.rawValue: "ECHILD"
    case Errno.resourceTemporarilyUnavailable.rawValue: "EAGAIN"
    case Errno.noMemory.rawValue: "ENOMEM"
    case Errno.permissionDenied.rawValue: "EACCES"
    case Errno.badAddress.rawValue: "EFAULT"
    case Errno.resourceBusy.rawValue: "EBUSY"
    case Errno.fileExists.rawValue: "EEXIST"
    case Errno.improperLink.rawValue: "EXDEV"
    case Errno.operationNotSupportedByDevice.rawValue: "ENODEV"
    case Errno.notDirectory.rawValue: "ENOTDIR"
    case Errno.isDirectory.rawValue: "EISDIR"
    case Errno.invalidArgument.rawValue: "EINVAL"
    case Errno.tooManyOpenFilesInSystem.rawValue: "ENFILE"
    case Errno.tooManyOpenFiles.rawValue: "EMFILE"
    case Errno.inappropriateIOCTLForDevice.rawValue: "ENOTTY"
    case Errno.textFileBusy.rawValue: "ETXTBSY"
    case Errno.fileTooLarge.rawValue: "EFBIG"
    case Errno.noSpace.rawValue: "ENOSPC"
    case Errno.illegalSeek.rawValue: "ESPIPE"
    case Errno.readOnlyFileSystem.rawValue: "EROFS"
    case Errno.tooManyLinks.rawValue: "EMLINK"
    case Errno.brokenPipe.rawValue: "EPIPE"
    case Errno.outOfRange.rawValue: "ERANGE"
    case Errno.deadlock.rawValue: "EDEADLK"
    case Errno.fileNameTooLong.rawValue: "ENAMETOOLONG"
    case Errno.noLocks.rawValue: "ENOLCK"
    case Errno.noFunction.rawValue: "ENOSYS"
    case Errno.directoryNotEmpty.rawValue: "ENOTEMPTY"
    case Errno.tooManySymbolicLinkLevels.rawValue: "ELOOP"
    case Errno.noData.rawValue: "ENODATA"
    case Errno.overflow.rawValue: "EOVERFLOW"
    case Errno.notSupported.rawValue: "EOPNOTSUPP"
    case Errno.timedOut.rawValue: "ETIMEDOUT"
    case Errno.staleNFSFileHandle.rawValue: "ESTALE"
    case Errno.diskQuotaExceeded.rawValue: "EDQUOT"
    case Errno.canceled.rawValue: "ECANCELED"
    default: "E\(code)"
    }
}
