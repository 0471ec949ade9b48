import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// Trains RGB and identity features jointly (3DGS + the Unified-Lift objective) on a scene with
/// per-view masks, into the model folder `splatlift train` writes with masks: `cfg.json`,
/// `lift.json`, the point clouds with `obj_dc_*` and `object_id`, `codebook.json` (in the folder
/// and beside each point cloud), the checkpoint and the log.
public enum SegmentationTraining {
    /// Runs `config.iterations` steps; `config.scenePath` names the scene. Returns the folder.
    @discardableResult
    public static func train(config: TrainConfig, lift: LiftConfig = LiftConfig(), folder: ModelFolder,
                             progress: ProgressReporter? = nil, stop: StopFlag = StopFlag()) throws -> ModelFolder {
        try config.validate()
        let sceneURL = URL(fileURLWithPath: config.scenePath)
        let scene = try SceneLoader.load(sceneURL, options: SceneLoadOptions(background: .zero, requireMasks: true))
        guard !scene.trainIndices.isEmpty else { throw SplatError("the scene has no training views", path: sceneURL.path) }
        let views = try TrainingView.load(from: scene, indices: scene.trainIndices, downscale: config.resolution,
                                          threads: config.threads)
        let liftTraining = try LiftTraining.make(config: lift, scene: scene, trainIndices: scene.trainIndices,
                                                 downscale: config.resolution, views: views)
        let objective = liftTraining.objective
        let state = TrainState.initial(config: config, views: views, points: scene.points, pointColors: scene.pointColors,
                                       sceneExtent: scene.sceneExtent, featureCount: lift.featureCount)
        try folder.create()
        try folder.writeConfig(config)
        try folder.writeLiftInfo(liftTraining.info)
        let trainer = try Trainer(config: config, views: views, state: state, backend: CPURasterizer(), objective: objective)
        let reporter = progress ?? ProgressReporter(totalIterations: config.iterations, interval: config.logInterval)
        let session = try TrainingSession(trainer: trainer, folder: folder, resumed: false, stop: stop,
                                          progress: reporter) { gaussians, url in
            try liftTraining.writePointCloud(gaussians, to: url, folder: folder, threads: config.threads)
        }
        _ = try session.run()
        return folder
    }
}
