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
        let labelMaps = try LiftTrainingLabels.load(from: scene, indices: scene.trainIndices, downscale: config.resolution)
        let objective = try LiftObjective(config: lift, labelMaps: labelMaps)
        let state = TrainState.initial(config: config, views: views, points: scene.points, pointColors: scene.pointColors,
                                       sceneExtent: scene.sceneExtent, featureCount: lift.featureCount)
        try folder.create()
        try folder.writeConfig(config)
        let masks = scene.masksFolder?.standardizedFileURL.path ?? ""
        try folder.writeLiftInfo(LiftModelInfo(config: lift, masksPath: masks))
        let trainer = try Trainer(config: config, views: views, state: state, backend: CPURasterizer(), objective: objective)
        let reporter = progress ?? ProgressReporter(totalIterations: config.iterations, interval: config.logInterval)
        let session = try TrainingSession(trainer: trainer, folder: folder, resumed: false, stop: stop,
                                          progress: reporter) { gaussians, url in
            let ids = try LiftInference.gaussianIDs(gaussians, codebook: objective.codebookModel)
            try PLYFile.writeGaussians(GaussianPLY(gaussians: gaussians, objectIDs: ids), to: url)
            try objective.saveCodebook(to: url.deletingLastPathComponent().appendingPathComponent(Codebook.fileName))
            try objective.saveCodebook(to: folder.codebookURL)
        }
        _ = try session.run()
        return folder
    }
}
