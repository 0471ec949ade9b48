import ArgumentParser
import Foundation

@main
struct SplatLiftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splatlift",
        abstract: "Segment 3D scenes from ordinary photos: 3D Gaussian Splatting with consistent object ids (Unified-Lift).",
        discussion: """
        Input: posed photos (COLMAP or nerfstudio/Blender JSON) and, per photo, a 2D instance label map \
        from an automatic segmenter such as SAM. Output: a 3DGS model whose Gaussians carry an identity \
        feature and an object id consistent across views.
        """,
        version: "0.1.0",
        subcommands: [
            InfoCommand.self,
            TrainCommand.self,
            RenderCommand.self,
            EvalCommand.self,
            GroupCommand.self,
            ClusterCommand.self,
            ObjectsCommand.self,
            ExtractCommand.self,
            RemoveCommand.self,
            MeshCommand.self,
            DemoCommand.self,
            SynthCommand.self,
            RenderPLYCommand.self,
            BenchCommand.self,
            MasksCommand.self,
            PartitionCommand.self,
            MergeCommand.self,
            ViewCommand.self,
        ]
    )

    /// ArgumentParser's `main`, but a usage error (a missing argument, an unknown option, a value
    /// that is not a number) is one line on stderr, `Error: <what> (see --help)`, exit 64, instead
    /// of the message followed by the usage text (#18: every refusal is one line). Help requests
    /// and every other error are handled as ArgumentParser does.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            let message = Self.message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("Error: \(message) (see --help)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
