/// The caller fields of one line: who, and what `/proc` said about them.
public struct LineIdentity: Equatable {
    package var pid: Int32
    package var uid: UInt32
    package var gid: UInt32
    package var process: CallerProcess

    public init(_ caller: Caller, process: CallerProcess) {
        self.pid = caller.pid
        self.uid = caller.uid
        self.gid = caller.gid
        self.process = process
    }
}
