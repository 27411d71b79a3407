import CFuse
import Gate
import GateSystem
import Glibc

/// Mounts a gate with libfuse and serves it until it is unmounted or the
/// process gets SIGINT, SIGTERM or SIGHUP.
public enum FuseSession {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Options: Sendable {
        /// Mount options, e.g. "ro", "default_permissions", "allow_other".
        public var mountOptions: [String]
        public var maxThreads: Int = 4
        public var maxRead: UInt32 = 1 << 20
        public init(mountOptions: [String]) { self.mountOptions = mountOptions }
    }

    /// Mounts `gate` on `mountpoint`, calls `onMounted` once the kernel's
    /// INIT has been answered (an `ls` of the mountpoint then sees the view),
    /// and serves requests. Returns after the mount is gone.
    public static func serve(
        _ gate: GateFileSystem, on mountpoint: String, options: Options,
        onMounted: @escaping @Sendable () -> Void
    ) throws(Failure) {
        ProcessMemory.limitMallocArenas(2)
        let context = BridgeContext(gate: gate, maxRead: options.maxRead, onReady: onMounted)
        let userdata = Unmanaged.passRetained(context)
        defer { userdata.release() }

        // libfuse insists that conn->max_read (set in init) matches -o max_read.
        var mountOptions = options.mountOptions
        if options.maxRead > 0 { mountOptions.append("max_read=\(options.maxRead)") }
        var argvStrings = ["gatefs", "-o", mountOptions.joined(separator: ",")]
        var cargs: [UnsafeMutablePointer<CChar>?] = argvStrings.indices.map { strdup(argvStrings[$0]) }
        defer { for p in cargs { free(p) } }
        argvStrings.removeAll()
        var ops = LowLevelOps.make()

        let session: OpaquePointer? = cargs.withUnsafeMutableBufferPointer { argv in
            var args = gatefs_fuse_args(Int32(argv.count), argv.baseAddress)
            defer { fuse_opt_free_args(&args) }
            return fuse_session_new(&args, &ops, MemoryLayout<fuse_lowlevel_ops>.size, userdata.toOpaque())
        }
        guard let session else { throw Failure(description: "libfuse refused the mount options: \(options.mountOptions.joined(separator: ","))") }
        defer { fuse_session_destroy(session) }
        context.attach(session)

        // Inherited SIG_IGN or a blocked mask would make libfuse skip its
        // handlers, and SIGTERM would then never unmount.
        ProcessSignals.resetTermination()
        ProcessSignals.ignoreBrokenPipe()
        guard fuse_set_signal_handlers(session) == 0 else {
            throw Failure(description: "cannot install signal handlers")
        }
        defer { fuse_remove_signal_handlers(session) }

        guard fuse_session_mount(session, mountpoint) == 0 else {
            throw Failure(description: "cannot mount on \(mountpoint) (see the message above)")
        }
        let config = fuse_loop_cfg_create()
        defer { fuse_loop_cfg_destroy(config) }
        fuse_loop_cfg_set_max_threads(config, UInt32(options.maxThreads))
        // Idle workers stay: with fewer allowed idle than workers, libfuse
        // ends a worker whenever it finds nothing to do and starts a new one
        // (clone, stack, splice pipe) at the next burst, thousands of times
        // per second under a walk.
        fuse_loop_cfg_set_idle_threads(config, UInt32(options.maxThreads))
        let rc = fuse_session_loop_mt(session, config)
        fuse_session_unmount(session)
        if rc < 0 && rc != -EINTR {
            throw Failure(description: "the FUSE session ended with \(String(cString: strerror(-rc)))")
        }
    }
}
