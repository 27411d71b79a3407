import CFuse
import Gate
import GateAudit

/// What every request callback needs, reached through the session's userdata.
final class BridgeContext: Sendable {
    let gate: Gate
    let onReady: @Sendable () -> Void
    let maxRead: UInt32

    init(gate: Gate, maxRead: UInt32, onReady: @escaping @Sendable () -> Void) {
        self.gate = gate
        self.maxRead = maxRead
        self.onReady = onReady
    }

    static func of(_ req: fuse_req_t) -> BridgeContext {
        Unmanaged<BridgeContext>.fromOpaque(fuse_req_userdata(req)!).takeUnretainedValue()
    }

    static func caller(_ req: fuse_req_t) -> Caller {
        let ctx = fuse_req_ctx(req)!.pointee
        return Caller(pid: ctx.pid, uid: ctx.uid, gid: ctx.gid)
    }
}

func name(_ cname: UnsafePointer<CChar>) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: cname, count: strlen(cname)))
}
