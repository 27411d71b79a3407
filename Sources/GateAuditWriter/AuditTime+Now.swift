import GateAuditFormat
import GateSystem

extension AuditTime {
    /// The wall clock now (`CLOCK_REALTIME`, a vDSO read: cheap enough for
    /// the record path, which stamps every event with it).
    public static func now() -> AuditTime {
        AuditTime(microseconds: Sys.realtimeMicroseconds())
    }
}
