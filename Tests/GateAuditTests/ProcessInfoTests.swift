import Foundation
import Testing
@testable import GateAuditFormat
@testable import GateAuditReader
@testable import GateAuditWriter

@Suite struct ProcessInfoTests {
    @Test func containerIDsFromCgroupShapes() {
        let id = "4f1c9e0d2b7a6c5e8f3d1a0b9c8e7d6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d"
        let cases: [(String, String?)] = [
            ("0::/system.slice/docker-\(id).scope\n", id),
            ("12:pids:/docker/\(id)\n11:cpu:/docker/\(id)\n", id),
            ("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-\(id).scope/container\n", id),
            ("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234_5678.slice/cri-containerd-\(id).scope\n", id),
            ("11:cpu:/kubepods/besteffort/pod0a1b2c3d-0000-1111-2222-333344445555/\(id)\n", id),
            ("0::/kubepods.slice/kubepods-burstable.slice/crio-\(id).scope\n", id),
            ("0::/machine.slice/libpod-conmon-\(id).scope\n", nil),
            ("0::/user.slice/user-1000.slice/session-3.scope\n", nil),
            ("0::/system.slice/\(id).scope\n", nil),  // no runtime named
            ("0::/docker/abc123\n", nil),  // not a full id
        ]
        for (text, expected) in cases {
            #expect(ContainerID.parse(cgroup: Array(text.utf8)) == expected, "\(text)")
        }
    }

    @Test func readsOwnProcessFromProc() {
        let me = CallerProcess.read(pid: getpid())
        #expect(me.name?.isEmpty == false)
        #expect(CallerProcess.read(pid: 0) == .unknown)
        #expect(CallerProcess.read(pid: Int32.max) == .unknown)
    }

    @Test func cacheServesHitsAndExpires() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("77"), withIntermediateDirectories: true)
        Fixture.write(Array("first\n".utf8), to: dir.file("77/comm"))
        let cache = CallerProcessCache(ttlMicroseconds: 500_000, capacity: 4, procRoot: dir.path)
        #expect(cache.lookup(77).name == "first")
        Fixture.write(Array("second\n".utf8), to: dir.file("77/comm"))
        #expect(cache.lookup(77).name == "first")  // cached
        usleep(700_000)
        #expect(cache.lookup(77).name == "second")  // expired, re-read
        for pid in 100..<110 { _ = cache.lookup(Int32(pid)) }  // bounded: no crash, no growth past capacity
        #expect(cache.lookup(0) == .unknown)
    }
}
