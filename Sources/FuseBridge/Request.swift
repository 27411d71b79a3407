import CFuse
import Gate
import GateAuditFormat

/// One request as an op sees it: the gate it is for, and who made it.
struct Request {
    let req: fuse_req_t
    /// Unowned: `FuseSession.serve` holds the context for as long as the
    /// session serves requests, and a retain per request would be wasted.
    unowned(unsafe) let context: BridgeContext

    init(_ req: fuse_req_t) {
        self.req = req
        context = Unmanaged<BridgeContext>.fromOpaque(fuse_req_userdata(req)!).takeUnretainedValue()
    }

    var gate: GateFileSystem { context.gate }

    var caller: Caller {
        let ctx = fuse_req_ctx(req)!.pointee
        return Caller(pid: ctx.pid, uid: ctx.uid, gid: ctx.gid)
    }
}
