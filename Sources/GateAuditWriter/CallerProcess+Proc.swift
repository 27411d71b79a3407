import GateAuditFormat
import GateSystem

extension CallerProcess {
    /// Reads `/proc/PID/{comm,cgroup,status}`. Best effort: a process that
    /// has already exited, or a `/proc` mounted with `hidepid`, gives `.unknown`.
    static func read(pid: Int32, procRoot: String = "/proc") -> CallerProcess {
        guard pid > 0 else { return .unknown }
        let base = procRoot + "/" + String(pid)
        var name: String?
        if var comm = try? Sys.readFile(base + "/comm", limit: 64), !comm.isEmpty {
            if comm.last == 0x0A { comm.removeLast() }
            name = String(decoding: comm, as: UTF8.self)
        }
        let container = (try? Sys.readFile(base + "/cgroup", limit: 16 << 10)).flatMap(ContainerID.parse(cgroup:))
        let tgid = (try? Sys.readFile(base + "/status", limit: 4096)).flatMap(parseTgid(status:))
        return CallerProcess(name: name, container: container, tgid: tgid)
    }

    /// The number on the `Tgid:` line of `/proc/PID/status`.
    static func parseTgid(status: [UInt8]) -> Int32? {
        let key = Array("Tgid:".utf8)
        for line in status.split(separator: 0x0A) where line.starts(with: key) {
            let digits = line.dropFirst(key.count).drop { $0 == 0x20 || $0 == 0x09 }
            guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int32(exactly: digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) })
        }
        return nil
    }
}
