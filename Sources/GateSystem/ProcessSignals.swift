import CGateSys

/// Signal dispositions the daemon relies on.
public enum ProcessSignals {
    /// Resets SIGINT, SIGTERM, SIGHUP and SIGPIPE to their defaults and
    /// unblocks them. A process started from a script or by Foundation's
    /// `Process` may inherit them ignored or blocked; libfuse installs its
    /// unmount-on-signal handlers only over SIG_DFL.
    public static func resetTermination() {
        _ = gatefs_reset_termination_signals()
    }

    /// Writes to a closed pipe must fail with EPIPE, not kill the daemon.
    public static func ignoreBrokenPipe() {
        gatefs_ignore_sigpipe()
    }
}

/// Process-wide memory settings for the daemon.
public enum ProcessMemory {
    /// Caps glibc's malloc arenas at `count`; call before starting threads.
    /// With the default (8 per core) every FUSE worker keeps its own arena,
    /// and a large listing freed by one worker stays resident in it.
    public static func limitMallocArenas(_ count: Int32) {
        _ = gatefs_limit_malloc_arenas(count)
    }
}
