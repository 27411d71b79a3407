import CGateSys
import Glibc
import SystemPackage

extension FileDescriptor.OpenOptions {
    /// A descriptor that only names the file: it resolves names relative
    /// to it and can be stat-ed, but not read (`O_PATH`, which Swift's Glibc
    /// module hides behind _GNU_SOURCE).
    public static var path: Self { Self(rawValue: gatefs_O_PATH) }

    /// Opening a terminal device never makes it the daemon's controlling
    /// terminal (`O_NOCTTY`).
    public static var noControllingTerminal: Self { Self(rawValue: O_NOCTTY) }
}
