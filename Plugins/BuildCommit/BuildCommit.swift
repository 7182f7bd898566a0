import Foundation
import PackagePlugin

/// Records the git commit the tool is built from (`buildCommit`), so that `--version` and every Parquet file's
/// `created_by` name the exact source. "unknown" outside a git checkout; "-dirty" with uncommitted changes.
/// The file is rewritten only when the text changes, so an unchanged commit costs no recompilation.
@main struct BuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = #"""
            mkdir -p "$2"
            commit=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || commit=unknown
            if [ "$commit" != unknown ] && ! git -C "$1" diff --quiet HEAD -- Sources Package.swift 2>/dev/null; then commit="$commit-dirty"; fi
            text="let buildCommit = \"$commit\""
            [ "$(cat "$2/BuildCommit.swift" 2>/dev/null)" = "$text" ] || printf '%s\n' "$text" > "$2/BuildCommit.swift"
            """#
        return [
            .prebuildCommand(
                displayName: "Recording the git commit of \(target.name)", executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", context.package.directoryURL.path, folder.path], outputFilesDirectory: folder)
        ]
    }
}
