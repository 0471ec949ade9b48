import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// One training run into a model folder, as `splatlift train` does it: the configuration (fresh,
/// or the folder's `cfg.json` on resume, with what --resume may not change refused), the scene
/// and its training views, the Unified-Lift objective when masks are used, a fresh folder (a
/// folder holding a model is refused unless `overwrite`), then `TrainingSession` to the end or to
/// `stop`. Every error is a one-line `SplatError` naming the file or option.
public struct TrainingRun {
    /// Whether the identity features are trained (the Unified-Lift objective on 2D masks).
    public enum Segmentation: Sendable {
        /// When masks are found: `masks`, else the scene's `object_mask/` or `sam_masks/`. A
        /// resumed run continues as the model was trained.
        case whenMasksFound
        /// RGB only (`--no-segmentation`).
        case off
        /// Masks must be found; an error naming the scene otherwise.
        case required
    }

    public var scene: URL
    public var folder: ModelFolder
    /// A fresh run's settings before `overrides` (a resumed run starts from the folder's `cfg.json`).
    public var config = TrainConfig()
    public var overrides = Overrides()
    public var segmentation = Segmentation.whenMasksFound
    /// The 2D masks folder (default: the scene's; on resume, the one in `lift.json`).
    public var masks: URL?
    /// A fresh segmented run's objective settings (nil = the defaults); its seed becomes the run's.
    public var lift: LiftConfig?
    /// How the objects are made at every saved point cloud of a segmented run.
    public var objectSettings = ObjectSettings()
    /// Continue from the folder's `checkpoint.bin` (bit-identically).
    public var resume = false
    /// Remove the SplatLift files of a model already in the folder (`removeModel`) before a fresh run.
    public var overwrite = false
    public var backend: RasterBackend = CPURasterizer()

    public init(scene: URL, folder: ModelFolder) {
        self.scene = scene
        self.folder = folder
    }

    /// Trains to `iterations` or until `stop` is set (then with a checkpoint to resume from),
    /// reporting on `progress` (default: a reporter on standard output at the run's log interval).
    @discardableResult
    public func run(progress: ProgressReporter? = nil, stop: StopFlag = StopFlag()) throws -> TrainingSummary {
        let start = try self.start()
        let config = start.config
        let reporter = progress ?? ProgressReporter(totalIterations: config.iterations, interval: config.logInterval)
        let (loaded, views) = try loadScene(config, masks: start.masks, reporter: reporter)
        let liftTraining = try makeLiftTraining(config, scene: loaded, views: views, resumed: start.resumedLift,
                                                reporter: reporter)
        let state: TrainState
        if let checkpoint = start.checkpoint {
            guard checkpoint.state.iteration < config.iterations else {
                reporter.message("the checkpoint is at iteration \(checkpoint.state.iteration), already ≥ --iterations \(config.iterations); nothing to do")
                return TrainingSummary(ending: .alreadyTrained, iteration: checkpoint.state.iteration,
                                       gaussians: checkpoint.state.gaussians.count, folder: folder)
            }
            state = checkpoint.state
            try namingCheckpoint { try liftTraining?.objective.restoreCheckpointState(checkpoint.objectiveState) }
            reporter.message("resuming at iteration \(state.iteration) with \(state.gaussians.count) Gaussians")
        } else {
            state = TrainState.initial(config: config, views: views, points: loaded.points, pointColors: loaded.pointColors,
                                       sceneExtent: loaded.sceneExtent,
                                       featureCount: liftTraining?.objective.featureCount ?? 0)
            reporter.message("initialised \(state.gaussians.count) Gaussians\(loaded.points.isEmpty ? " at random (the scene has no points)" : ""); "
                             + "scene extent \(String(format: "%.3f", state.sceneExtent))")
        }
        guard !stop.isSet else { throw SplatError("interrupted before training started; nothing was written", path: folder.url.path) }
        if overwrite { try folder.removeModel() }
        try folder.create()
        try folder.writeConfig(config)
        if let liftTraining { try folder.writeLiftInfo(liftTraining.info) }

        liftTraining?.objective.threads = config.threads
        let trainer = try namingCheckpoint(if: start.checkpoint != nil) {
            try Trainer(config: config, views: views, state: state, backend: backend, objective: liftTraining?.objective)
        }
        let session = try TrainingSession(trainer: trainer, folder: folder, resumed: start.checkpoint != nil, stop: stop,
                                          progress: reporter) { [folder] gaussians, url in
            if let liftTraining {
                try liftTraining.writePointCloud(gaussians, to: url, folder: folder, threads: config.threads)
            } else {
                try PLYFile.writeGaussians(GaussianPLY(gaussians: gaussians), to: url)
            }
        }
        let outcome = try session.run()
        reporter.message("mean per step: " + session.meanTimings.summary)
        let gaussians = trainer.state.gaussians.count
        switch outcome {
        case .finished(let iteration):
            reporter.message("finished at iteration \(iteration) with \(gaussians) Gaussians: \(folder.pointCloudURL(iteration: iteration).path)")
            return TrainingSummary(ending: .finished, iteration: iteration, gaussians: gaussians, folder: folder)
        case .interrupted(let iteration):
            reporter.message("interrupted: checkpoint saved at iteration \(iteration); continue with --resume")
            return TrainingSummary(ending: .interrupted, iteration: iteration, gaussians: gaussians, folder: folder)
        }
    }

    /// Runs `body`; an error that names no file is the checkpoint's when resuming (a state that does
    /// not fit the scene or the objective).
    private func namingCheckpoint<T>(if resuming: Bool = true, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as SplatError where resuming && error.path == nil {
            throw SplatError(error.message, path: folder.checkpointURL.path)
        }
    }

    /// The scene with the training views at the run's resolution.
    private func loadScene(_ config: TrainConfig, masks: URL?, reporter: ProgressReporter) throws -> (Scene, [TrainingView]) {
        // Black: photos with alpha come premultiplied; the trainer adds its background per step.
        var options = config.sceneLoadOptions(background: .zero)
        options.masks = masks
        options.requireMasks = masks != nil || segmentation == .required
        let loaded = try SceneLoader.load(scene, options: options)
        guard !loaded.trainIndices.isEmpty else { throw SplatError("the scene has no training views", path: scene.path) }
        for index in loaded.trainIndices {
            let full = loaded.views[index].camera, camera = loaded.camera(index, downscale: config.resolution)
            guard camera.width >= 1 && camera.height >= 1 else {
                throw SplatError("resolution (-r) \(config.resolution) leaves \(loaded.views[index].name) (\(full.width)x\(full.height)) "
                                 + "without a pixel", path: scene.path)
            }
        }
        let loadStart = Date()
        let views = try TrainingView.load(from: loaded, indices: loaded.trainIndices, downscale: config.resolution,
                                          threads: config.threads)
        let size = views[0].camera
        reporter.message("scene: \(loaded.views.count) views (\(views.count) for training) at \(size.width)x\(size.height), "
                         + "\(loaded.points.count / 3) points; images loaded in \(String(format: "%.1f", Date().timeIntervalSince(loadStart))) s")
        return (loaded, views)
    }
}

/// How a `TrainingRun` ended.
public struct TrainingSummary: Sendable {
    public enum Ending: Sendable, Equatable {
        case finished
        /// Stopped by the stop flag, with a checkpoint and the point cloud saved.
        case interrupted
        /// A resume whose checkpoint had already reached the iterations: nothing was trained or written.
        case alreadyTrained
    }

    public var ending: Ending
    /// The iteration of the saved state.
    public var iteration: Int
    public var gaussians: Int
    public var folder: ModelFolder
}
