import ArgumentParser
import Dispatch
import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatPipeline
import SplatRaster
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
        Ctrl-C saves a checkpoint and exits; --resume continues from it bit-identically. \
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

    @Option(name: .long, help: "Iterations (default 30000). The position learning rate decays over this many.")
    var iterations: Int?

    @Option(name: [.customShort("r"), .long], help: "Downscale the images by this integer factor.")
    var resolution: Int?

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64?

    @Option(name: .long, help: "Background: black, white or random.")
    var background: BackgroundMode?

    @Option(name: .long, help: "Checkpoint every this many iterations (0 = only at the end).")
    var checkpointEvery: Int?

    @Option(name: .long, help: "Worker threads (0 = all cores).")
    var threads: Int?

    @Option(name: .long, help: "Initial points added for the distant background (sky, hills, far ground), which SfM leaves nearly empty (default 2000; 0 = none, as official 3DGS).")
    var distantPoints: Int?

    @Flag(name: .long, help: "Continue from MODEL/checkpoint.bin with MODEL/cfg.json.")
    var resume = false

    @OptionGroup(title: "Segmentation")
    var lift: LiftOptions

    @OptionGroup(title: "Object pipeline (after training, at every saved point cloud)")
    var objects: ObjectOptions

    func run() throws {
        try oneLineErrors(train)
    }

    private func train() throws {
        ProcessMemory.mapLargeAllocationsSeparately()
        let folder = ModelFolder(URL(fileURLWithPath: out))
        let sceneURL = URL(fileURLWithPath: scene)
        var config: TrainConfig
        var checkpoint: TrainCheckpoint?
        if resume {
            config = try folder.readConfig()
            checkpoint = try TrainCheckpoint.read(from: folder.checkpointURL)
            if let resolution, resolution != config.resolution {
                throw SplatError("--resume cannot change -r (the model was trained at -r \(config.resolution))")
            }
            if let seed, seed != config.seed { throw SplatError("--resume cannot change --seed (the model used \(config.seed))") }
        } else {
            config = TrainConfig()
            if let resolution { config.resolution = resolution }
            if let seed { config.seed = seed }
            if let background { config.background = background }
            if let distantPoints { config.distantPoints = distantPoints }
            if let featureLR = lift.featureLR { config.identityFeatureLR = featureLR }
            if let featureLRFinal = lift.featureLRFinal { config.identityFeatureLRFinal = featureLRFinal }
        }
        config.scenePath = sceneURL.standardizedFileURL.path
        if let images { config.imagesPath = URL(fileURLWithPath: images).standardizedFileURL.path }
        if let sparse { config.sparsePath = URL(fileURLWithPath: sparse).standardizedFileURL.path }
        if let iterations { config.iterations = iterations }
        if let checkpointEvery { config.checkpointInterval = checkpointEvery }
        if let threads { config.threads = threads }
        if let background, resume, background != config.background {
            throw SplatError("--resume cannot change --background (the model used \(config.background.rawValue))")
        }
        try config.validate()

        // Segmentation: lift.json decides on --resume; otherwise masks are used when found.
        let resumedLift = resume ? try folder.readLiftInfo() : nil
        if resume {
            if lift.changesObjective || lift.featureLR != nil || lift.featureLRFinal != nil { throw SplatError("--resume cannot change the segmentation options (they are in lift.json)") }
            if lift.noSegmentation && resumedLift != nil { throw SplatError("--resume cannot turn segmentation off") }
            if lift.masks != nil && resumedLift == nil { throw SplatError("--resume cannot add segmentation to an RGB-only model") }
        } else if lift.noSegmentation && (lift.masks != nil || lift.changesObjective) {
            throw SplatError("--no-segmentation cannot be combined with --masks or other segmentation options")
        }
        let masksURL = lift.masks.map { URL(fileURLWithPath: $0) } ?? resumedLift.map { URL(fileURLWithPath: $0.masksPath) }

        // Black: photos with alpha come premultiplied; the trainer adds its background per step.
        var loadOptions = config.sceneLoadOptions(background: .zero)
        loadOptions.masks = masksURL
        loadOptions.requireMasks = masksURL != nil
        let loaded = try SceneLoader.load(sceneURL, options: loadOptions)
        guard !loaded.trainIndices.isEmpty else { throw SplatError("the scene has no training views", path: sceneURL.path) }
        let loadStart = Date()
        let views = try TrainingView.load(from: loaded, indices: loaded.trainIndices, downscale: config.resolution,
                                          threads: config.threads)
        let size = views[0].camera
        print("scene: \(loaded.views.count) views (\(views.count) for training) at \(size.width)x\(size.height), "
              + "\(loaded.points.count / 3) points; images loaded in \(String(format: "%.1f", Date().timeIntervalSince(loadStart))) s")

        let segmented = resume ? resumedLift != nil : !lift.noSegmentation && loaded.masksFolder != nil
        if !segmented && lift.changesObjective {
            throw SplatError("segmentation options need masks, and the scene has no object_mask/ or sam_masks/ (use --masks DIR)",
                             path: sceneURL.path)
        }
        var liftTraining: LiftTraining?
        if segmented {
            let liftConfig = try resumedLift?.config ?? lift.liftConfig(seed: config.seed)
            liftTraining = try LiftTraining.make(config: liftConfig, objectSettings: objects.settings, scene: loaded, trainIndices: loaded.trainIndices,
                                                 downscale: config.resolution, views: views)
            print("segmentation: masks \(loaded.masksFolder?.path ?? "?"); mapping \(liftConfig.mapping.rawValue), "
                  + "τ \(liftConfig.tau), filtering \(liftConfig.filtering ? "on" : "off"), "
                  + "gradient blocking \(liftConfig.gradientBlocking ? "on" : "off"), codebook \(liftConfig.codebookSize)x\(liftConfig.featureCount)")
        } else {
            print("segmentation: off (\(lift.noSegmentation ? "--no-segmentation" : "no masks folder found"))")
        }

        let state: TrainState
        if let checkpoint {
            guard checkpoint.state.iteration < config.iterations else {
                print("the checkpoint is at iteration \(checkpoint.state.iteration), already ≥ --iterations \(config.iterations); nothing to do")
                return
            }
            state = checkpoint.state
            try liftTraining?.objective.restoreCheckpointState(checkpoint.objectiveState)
            print("resuming at iteration \(state.iteration) with \(state.gaussians.count) Gaussians")
        } else {
            state = TrainState.initial(config: config, views: views, points: loaded.points, pointColors: loaded.pointColors,
                                       sceneExtent: loaded.sceneExtent,
                                       featureCount: liftTraining?.objective.featureCount ?? 0)
            print("initialised \(state.gaussians.count) Gaussians\(loaded.points.isEmpty ? " at random (the scene has no points)" : ""); "
                  + "scene extent \(String(format: "%.3f", state.sceneExtent))")
        }
        try folder.create()
        try folder.writeConfig(config)
        if let liftTraining {
            try folder.writeLiftInfo(liftTraining.info)
        } else {
            // A fresh RGB-only run in a reused folder: its old segmentation files no longer apply.
            for stale in [folder.liftInfoURL, folder.codebookURL, folder.objectTableURL] where FileManager.default.fileExists(atPath: stale.path) {
                try? FileManager.default.removeItem(at: stale)
            }
        }

        let trainer = try Trainer(config: config, views: views, state: state, backend: CPURasterizer(),
                                  objective: liftTraining?.objective)
        let stop = StopFlag()
        let signalSource = Self.installInterruptHandler(stop)
        defer { signalSource.cancel() }
        let progress = ProgressReporter(totalIterations: config.iterations, interval: config.logInterval)
        let session = try TrainingSession(trainer: trainer, folder: folder, resumed: checkpoint != nil, stop: stop,
                                          progress: progress) { gaussians, url in
            if let liftTraining {
                try liftTraining.writePointCloud(gaussians, to: url, folder: folder, threads: config.threads)
            } else {
                try PLYFile.writeGaussians(GaussianPLY(gaussians: gaussians), to: url)
            }
        }
        let outcome = try session.run()
        progress.message("mean per step: " + session.meanTimings.summary)
        switch outcome {
        case .finished(let iteration):
            progress.message("finished at iteration \(iteration) with \(trainer.state.gaussians.count) Gaussians: \(folder.pointCloudURL(iteration: iteration).path)")
        case .interrupted(let iteration):
            progress.message("interrupted: checkpoint saved at iteration \(iteration); continue with --resume")
        }
    }

    /// Ctrl-C sets `stop` instead of killing the process (the loop then checkpoints and exits 0).
    static func installInterruptHandler(_ stop: StopFlag) -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue.global())
        source.setEventHandler { stop.set() }
        source.resume()
        return source
    }
}
