/// Finds a container id in the text of `/proc/PID/cgroup`.
///
/// Container runtimes name the cgroup after the container's 64-hex id, in
/// shapes like these (cgroup v1 and v2, systemd and cgroupfs drivers):
///
///     0::/system.slice/docker-<id>.scope                         docker
///     12:pids:/docker/<id>                                       docker (v1)
///     0::/user.slice/.../libpod-<id>.scope/container             podman
///     0::/kubepods.slice/.../cri-containerd-<id>.scope           containerd under k8s
///     11:cpu:/kubepods/besteffort/pod<uid>/<id>                  kubepods (v1)
///     0::/kubepods.slice/.../crio-<id>.scope                     cri-o
///
/// A 64-hex run counts only when the path also names one of those runtimes,
/// and never inside a `conmon` (podman's monitor) cgroup. The last such run
/// wins, since nested cgroups put the innermost container last.
enum ContainerID {
    static let runtimeMarkers: [[UInt8]] = ["docker", "libpod", "containerd", "kubepods", "crio", "cri-o"].map { Array($0.utf8) }

    static func parse(cgroup text: [UInt8]) -> String? {
        var found: ArraySlice<UInt8>?
        for line in text.split(separator: 0x0A) {
            // hierarchy-id:controllers:path; the path may itself contain ':'.
            guard let first = line.firstIndex(of: UInt8(ascii: ":")),
                let second = line[(first + 1)...].firstIndex(of: UInt8(ascii: ":"))
            else { continue }
            let path = line[(second + 1)...]
            guard runtimeMarkers.contains(where: { contains(path, $0) }) else { continue }
            for component in path.split(separator: UInt8(ascii: "/")) where !contains(component, Array("conmon".utf8)) {
                if let id = lastHexRun(in: component) { found = id }
            }
        }
        return found.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The last run of exactly 64 lowercase hex digits bounded by non-hex bytes.
    private static func lastHexRun(in component: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var result: ArraySlice<UInt8>?
        var index = component.startIndex
        while index < component.endIndex {
            guard isHex(component[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < component.endIndex, isHex(component[end]) { end += 1 }
            if end - index == 64 { result = component[index..<end] }
            index = end
        }
        return result
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
