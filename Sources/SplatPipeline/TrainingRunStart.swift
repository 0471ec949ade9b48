import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatTrain

/// What a `TrainingRun` starts from, and the rules on its request that need no image: what
/// --resume may not change, the options that go together, a fresh run's folder.
extension TrainingRun {
    struct Start {
        var config: TrainConfig
        /// The folder's checkpoint when resuming.
        var checkpoint: TrainCheckpoint?
        /// The folder's `lift.json` when resuming a segmented model.
        var resumedLift: LiftModelInfo?
        /// The masks folder to load (nil: the scene's, when it has one).
        var masks: URL?
    }

    func start() throws -> Start {
        if folder.url.resolvingSymlinksInPath().standardizedFileURL == scene.resolvingSymlinksInPath().standardizedFileURL {
            throw SplatError("the model folder is the scene folder; choose another --out", path: folder.url.path)
        }
        guard resume else {
            let config = try overrides.applied(to: config, scene: scene, resuming: false)
            if segmentation == .off && (masks != nil || lift != nil) {
                throw SplatError("--no-segmentation cannot be combined with --masks or other segmentation options")
            }
            try folder.checkFreeForFreshRun(overwrite: overwrite)
            return Start(config: config, masks: masks)
        }
        if overwrite { throw SplatError("--resume cannot be combined with --overwrite (it would remove the model to continue)") }
        let saved = try folder.readConfig()
        let checkpoint = try TrainCheckpoint.read(from: folder.checkpointURL)
        let config = try overrides.applied(to: saved, scene: scene, resuming: true)
        let resumedLift = try folder.readLiftInfo()
        if lift != nil { throw SplatError("--resume cannot change the segmentation options (they are in lift.json)") }
        if segmentation == .off && resumedLift != nil { throw SplatError("--resume cannot turn segmentation off") }
        if (masks != nil || segmentation == .required) && resumedLift == nil {
            throw SplatError("--resume cannot add segmentation to an RGB-only model")
        }
        return Start(config: config, checkpoint: checkpoint, resumedLift: resumedLift,
                     masks: masks ?? resumedLift.map { URL(fileURLWithPath: $0.masksPath) })
    }

    /// The objective when the run is segmented (a resumed run: as the model was trained; a fresh
    /// one: when masks were found and segmentation is not off), else nil.
    func makeLiftTraining(_ config: TrainConfig, scene loaded: Scene, views: [TrainingView], resumed: LiftModelInfo?,
                          reporter: ProgressReporter) throws -> LiftTraining? {
        let segmented = resume ? resumed != nil : segmentation != .off && loaded.masksFolder != nil
        guard segmented else {
            if lift != nil {
                throw SplatError("segmentation options need masks, and the scene has no object_mask/ or sam_masks/ (use --masks DIR)",
                                 path: scene.path)
            }
            reporter.message("segmentation: off (\(segmentation == .off ? "--no-segmentation" : "no masks folder found"))")
            return nil
        }
        var liftConfig = resumed?.config ?? lift ?? LiftConfig()
        if resumed == nil {
            liftConfig.seed = config.seed
            try liftConfig.validate()
        }
        let training = try LiftTraining.make(config: liftConfig, objectSettings: objectSettings, scene: loaded,
                                             trainIndices: loaded.trainIndices, downscale: config.resolution, views: views,
                                             backend: backend)
        reporter.message("segmentation: masks \(loaded.masksFolder?.path ?? "?"); mapping \(liftConfig.mapping.rawValue), "
                         + "τ \(liftConfig.tau), filtering \(liftConfig.filtering ? "on" : "off"), "
                         + "gradient blocking \(liftConfig.gradientBlocking ? "on" : "off"), codebook \(liftConfig.codebookSize)x\(liftConfig.featureCount), "
                         + "objective \(liftConfig.objective.rawValue)"
                         + (liftConfig.wholeMaskMinimum.map { ", small masks whole from \($0) px" } ?? "")
                         + (liftConfig.gradientBlocking && liftConfig.codebookPixels > 0
                            ? ", codebook branch on at most \(liftConfig.codebookPixels) pixels per view" : "")
                         + (liftConfig.objectiveEvery > 1 ? ", the objective on one step in \(liftConfig.objectiveEvery)" : ""))
        return training
    }
}
