import Foundation
import PackagePlugin

/// Turns `config/secrets.toml` into a Swift string constant for GateConfig.
///
/// The shipped data file stays the single, human-readable source of the
/// built-in secret-store list; the binary never depends on finding it at run
/// time, so an installed `gatefs` cannot start without its secret list.
@main
struct EmbedSecretsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "config/secrets.toml")
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinSecretsData.swift")
        // A raw string literal with a delimiter that the TOML file cannot contain.
        let script = #####"""
            set -e
            if grep -q '"""####' "$1"; then echo "secrets.toml contains the literal delimiter" >&2; exit 1; fi
            { printf 'let builtinSecretsTOML: String = ####"""\n'; cat "$1"; printf '\n"""####\n'; } > "$2.tmp"
            mv "$2.tmp" "$2"
            """#####
        return [
            .buildCommand(
                displayName: "Embedding config/secrets.toml",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", input.path, output.path],
                inputFiles: [input],
                outputFiles: [output])
        ]
    }
}
