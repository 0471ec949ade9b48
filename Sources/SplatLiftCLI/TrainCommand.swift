import ArgumentParser
import Dispatch
import Foundation
import SplatPipeline
import SplatTrain

extension BackgroundMode: ExpressibleByArgument {}

/// `splatlift train SCENE --out MODEL`: 3DGS training with checkpoints, resumable.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a 3D Gaussian Splatting model of a scene, jointly with its object identities when the scene has 2D masks.",
        discussion: """
        Writes MODEL/cfg.json (every setting), MODEL/train_log.jsonl, MODEL/checkpoint.bin (every \
        --checkpoint-every iterations and at the end) and MODEL/point_cloud/iteration_N/point_cloud.ply. \
        Ctrl-C saves a checkpoint and exits; --resume continues from it bit-identically. A folder that \
        already holds a model is refused unless --overwrite (which removes that model's files first). \
        With masks (the scene's object_mask/ or sam_masks/, or --masks DIR) the Unified-Lift objective \
        trains a 16-d identity feature per Gaussian and a codebook: the PLY then carries obj_dc_0..15 and \
        object_id, and MODEL/lift.json and MODEL/codebook.json are written.
        """)

    @Argument(help: "Scene folder (COLMAP sparse/0 or transforms.json, with images/).")
    var scene: String

    @Option(name: .long, help: "Model folder to write.")
    var out: String

    @Option(name: .long, help: "Images folder of a COLMAP scene (default: SCENE/images).")
    var images: String?

    @Option(name: .long, help: "COLMAP model folder (default: SCENE/sparse/0).")
    var sparse: String?

    // Numbers are taken as given even when negative: "--iterations -5" is refused by the settings'
    // check instead of being misread as a missing value.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(TrainConfig.Help.iterations))
    var iterations: Int?

    @Option(name: [.customShort("r"), .long], parsing: .unconditional, help: ArgumentHelp(TrainConfig.Help.resolution))
    var resolution: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(TrainConfig.Help.seed))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp(TrainConfig.Help.background))
    var background: BackgroundMode?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(TrainConfig.Help.checkpointInterval))
    var checkpointEvery: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(TrainConfig.Help.threads))
    var threads: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(TrainConfig.Help.distantPoints))
    var distantPoints: Int?

    @Flag(name: .long, help: "Continue from MODEL/checkpoint.bin with MODEL/cfg.json.")
    var resume = false

    @Flag(name: .long, help: "Remove the model already in MODEL (cfg.json, point_cloud/, checkpoint.bin, ...; other files stay) before training.")
    var overwrite = false

    @OptionGroup(title: "Segmentation")
    var lift: LiftOptions

    @OptionGroup(title: "Object pipeline (after training, at every saved point cloud)")
    var objects: ObjectOptions

    func run() throws {
        try oneLineErrors(train)
    }

    private func train() throws {
        ProcessMemory.mapLargeAllocationsSeparately()
        var run = TrainingRun(scene: URL(fileURLWithPath: scene), folder: ModelFolder(URL(fileURLWithPath: out)))
        run.overrides = overrides
        run.segmentation = lift.noSegmentation ? .off : .whenMasksFound
        run.masks = lift.masks.map { URL(fileURLWithPath: $0) }
        run.lift = lift.liftConfig
        run.objectSettings = objects.settings
        run.resume = resume
        run.overwrite = overwrite
        let stop = StopFlag()
        let signalSources = [SIGINT, SIGTERM].map { Self.installStopHandler(stop, signal: $0) }
        defer { signalSources.forEach { $0.cancel() } }
        let summary = try run.run(stop: stop)
        if summary.ending == .interrupted, let signal = stop.signal { throw ExitCode(128 + signal) }
    }

    /// The settings given on the command line.
    private var overrides: TrainingRun.Overrides {
        var overrides = TrainingRun.Overrides()
        overrides.resolution = resolution
        overrides.seed = seed
        overrides.background = background
        overrides.distantPoints = distantPoints
        overrides.identityFeatureLR = lift.featureLR
        overrides.identityFeatureLRFinal = lift.featureLRFinal
        overrides.images = images.map { URL(fileURLWithPath: $0) }
        overrides.sparse = sparse.map { URL(fileURLWithPath: $0) }
        overrides.iterations = iterations
        overrides.checkpointInterval = checkpointEvery
        overrides.threads = threads
        return overrides
    }

    /// SIGINT (Ctrl-C) and SIGTERM set `stop` instead of killing the process: the loop saves a
    /// checkpoint and the point cloud, and the command exits 128 + the signal (130, 143).
    static func installStopHandler(_ stop: StopFlag, signal number: Int32) -> DispatchSourceSignal {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue.global())
        source.setEventHandler { stop.set(signal: number) }
        source.resume()
        return source
    }
}
