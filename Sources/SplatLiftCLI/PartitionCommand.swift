import ArgumentParser
import Foundation
import SplatPipeline

/// `splatlift partition SCENE --blocks NxM --out PLAN`: block partition of a large scene.
struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Cut a COLMAP scene into overlapping blocks to train one by one or on a cluster, then `merge`.",
        discussion: """
        The ground plane's up axis is the mean of the cameras' up directions (the points' least-variance \
        axis when the cameras disagree); rows run along the points' principal axis on that plane. The \
        points are split into rows of equal counts, each row into columns of equal counts (VastGaussian's \
        progressive partition), and each block's bounds grow by --overlap of its size. A block takes the \
        views standing in its grown bounds or seeing at least --visibility of their points in it, and at \
        least --min-cameras training views. Writes PLAN/plan.json and PLAN/blocks/<name>/, one ordinary \
        scene folder per block (symlinked images and masks, filtered sparse/0, split.json); train each \
        with the command in plan.json (scripts/ray_train_blocks.py, scripts/slurm/train_blocks.sbatch), \
        then `splatlift merge PLAN`. docs/SCALE.md.
        """
    )

    @Argument(help: "Scene folder (COLMAP sparse/0, images/, sam_masks/ or object_mask/).") var scene: String
    @Option(parsing: .unconditional, help: "Grid of blocks, rows x columns, e.g. 2x2.") var blocks: String
    @Option(parsing: .unconditional, help: "Fraction of a block's size its bounds grow by on each inner side (0-1).") var overlap = 0.2
    @Option(parsing: .unconditional, help: "Share of a view's visible points that must lie in a block for the view to join it (0-1).")
    var visibility = CameraAssignment.Settings().visibility
    @Option(name: .customLong("min-cameras"), parsing: .unconditional, help: "Training views every block gets at least.")
    var minCameras = CameraAssignment.Settings().minimum
    @Option(parsing: .unconditional, help: "Training iterations of every block (default: train's).") var iterations: Int?
    @Option(name: [.customShort("r"), .long], parsing: .unconditional, help: "Image downscale factor of every block's training.") var resolution = 1
    @Option(name: .customLong("train-args"), help: "Further `splatlift train` options for every block, as one string: --train-args=\"--checkpoint-every 500\".")
    var trainArgs = ""
    @Option(help: "Plan folder to write (new or empty).") var out: String

    func validate() throws {
        try OptionCheck.real(overlap, "--overlap", 0...1, openAbove: true)
        try OptionCheck.real(visibility, "--visibility", 0...1)
        try OptionCheck.int(minCameras, "--min-cameras", 1...100_000)
        try OptionCheck.int(iterations, "--iterations", 1...100_000_000)
        try OptionCheck.int(resolution, "--resolution", OptionCheck.downscale)
    }

    func run() throws {
        try oneLineErrors {
            let grid = try ScenePartition.grid(blocks)
            var partition = ScenePartition(scene: URL(fileURLWithPath: scene), rows: grid.rows, columns: grid.columns)
            partition.overlap = overlap
            partition.cameras = CameraAssignment.Settings(visibility: visibility, minimum: minCameras)
            if let iterations { partition.iterations = iterations }
            partition.resolution = resolution
            partition.trainArguments = trainArgs.split(separator: " ").map(String.init)
            let plan = try partition.write(to: URL(fileURLWithPath: out))
            print("ground plane: up (\(plan.ground.up.map { String(format: "%.3f", $0) }.joined(separator: ", "))) "
                  + "from the \(plan.ground.method.rawValue)")
            for block in plan.blocks {
                print("\(block.name): \(block.points) points, \(block.trainViews.count) training + \(block.testViews.count) test views")
            }
            print("wrote \(out)/\(PartitionPlan.fileName); train every block with its command, then `splatlift merge \(out)`")
        }
    }
}
