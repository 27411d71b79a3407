extension MountOptions {
    /// The same options as command-line arguments, for starting a daemon.
    var arguments: [String] {
        var out: [String] = []
        if let config { out += ["--config", Paths.absolute(config)] }
        if let source { out += ["--source", Paths.absolute(source)] }
        for a in allow { out += ["--allow", a] }
        for w in allowWrite { out += ["--allow-write", w] }
        for d in deny { out += ["--deny", d] }
        if let log { out += ["--log", Paths.absolute(log)] }
        if let inodeNumbers { out += ["--inode-numbers", inodeNumbers] }
        if allowOther { out.append("--allow-other") }
        if debug { out.append("--debug") }
        if let debugLog { out += ["--debug-log", Paths.absolute(debugLog)] }
        return out
    }
}
