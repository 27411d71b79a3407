import Foundation
import Glibc
import XCTest

/// Rootful podman with runc, configured by `.ci/setup-containers`: its
/// config lives in two files that the script writes (under
/// /var/tmp/gatefs-podman, or $GATEFS_PODMAN_DIR) and every podman command
/// here selects them through CONTAINERS_CONF / CONTAINERS_STORAGE_CONF, so
/// nothing global is read or changed. The image is built locally from
/// busybox-static; there is no registry and every run is `--network none`.
struct PodmanRuntime: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let image = "localhost/gatefs-busybox:latest"

    let podman: String
    /// Added to a test's environment for podman, and for `gatefs run -- podman ...`.
    let environment: [String: String]

    /// The runtime, or an XCTSkip when podman or runc is not installed. The
    /// first call runs `.ci/setup-containers --no-install` (idempotent: it
    /// writes the config and builds the image only when missing); if that
    /// fails the test fails, since podman is there and should work.
    static func require() throws -> PodmanRuntime {
        switch preparation {
        case .ready(let runtime): return runtime
        case .notInstalled(let why): throw XCTSkip(why)
        case .broken(let why): throw Failure(description: why)
        }
    }

    /// `podman run --rm --network none --cidfile CIDFILE [--user USER] -v VIEW:/workspace:ro [EXTRA...] IMAGE COMMAND...`
    func runArguments(
        view: String, cidfile: String, user: String? = nil, extra: [String] = [], command: [String]
    ) -> [String] {
        runArguments(volume: "\(view):/workspace:ro", cidfile: cidfile, user: user, extra: extra, command: command)
    }

    /// The same with any `-v` specification.
    func runArguments(
        volume: String, cidfile: String, user: String? = nil, extra: [String] = [], command: [String]
    ) -> [String] {
        [podman, "run", "--rm", "--network", "none", "--cidfile", cidfile]
            + (user.map { ["--user", $0] } ?? [])
            + ["-v", volume] + extra + [Self.image] + command
    }

    /// Removes the container named in `cidfile` if it is still there (the
    /// runs use --rm; this is for a test that stopped halfway).
    func remove(cidfile: String) {
        guard FileManager.default.fileExists(atPath: cidfile) else { return }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        _ = try? ProcessRunner.run(
            [podman, "rm", "--force", "--ignore", "--cidfile", cidfile], environment: env,
            outputDirectory: "/tmp", timeout: 60)
    }

    /// The 64-hex id podman wrote to `cidfile`.
    static func containerID(_ cidfile: String) throws -> String {
        guard let text = try? String(contentsOfFile: cidfile, encoding: .utf8) else {
            throw Failure(description: "podman wrote no container id to \(cidfile)")
        }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard id.count == 64, id.allSatisfy(\.isHexDigit) else {
            throw Failure(description: "\(cidfile) holds \(id.debugDescription), not a 64-hex container id")
        }
        return id
    }

    // MARK: - One-time preparation

    private enum Preparation: Sendable {
        case ready(PodmanRuntime)
        case notInstalled(String)
        case broken(String)
    }

    private static let preparation: Preparation = prepare()

    private static func prepare() -> Preparation {
        guard let podman = HostTools.find("podman") else {
            return .notInstalled("podman is not installed; `sudo bash .ci/setup-containers` installs it (CI runs it)")
        }
        guard HostTools.find("runc") != nil else {
            return .notInstalled("runc is not installed (podman here must use runc; crun fails on this cgroup setup); `sudo bash .ci/setup-containers` installs it")
        }
        let env = ProcessInfo.processInfo.environment
        let state = env["GATEFS_PODMAN_DIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/var/tmp/gatefs-podman"
        let script = HostTools.repositoryRoot + "/.ci/setup-containers"
        guard let bash = HostTools.find("bash"), FileManager.default.fileExists(atPath: script) else {
            return .broken("cannot find bash or \(script) to configure podman")
        }
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(
                [bash, script, "--no-install"], environment: env, outputDirectory: "/tmp", timeout: 300)
        } catch {
            return .broken("running \(script): \(error)")
        }
        guard result.exitCode == 0 else {
            return .broken("podman is installed but `.ci/setup-containers --no-install` failed:\n\(result)")
        }
        return .ready(PodmanRuntime(podman: podman, environment: [
            "CONTAINERS_CONF": state + "/containers.conf",
            "CONTAINERS_STORAGE_CONF": state + "/storage.conf",
        ]))
    }
}
