import ArgumentParser

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
}
