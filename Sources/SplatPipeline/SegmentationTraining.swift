import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// Trains RGB and identity features jointly (3DGS + the Unified-Lift objective) on a scene with
/// per-view masks, into a model folder: `cfg.json`, the point clouds with `obj_dc_*` and
/// `object_id`, `codebook.json`, checkpoints and the log.
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
        var labelMaps = [LabelMap]()
        for index in scene.trainIndices {
            guard let map = try scene.loadMask(index, downscale: config.resolution) else {
                throw SplatError("training view \(scene.views[index].name) has no mask", path: sceneURL.path)
            }
            labelMaps.append(map)
        }
        let objective = try LiftObjective(config: lift, labelMaps: labelMaps)
        let state = TrainState.initial(config: config, views: views, points: scene.points, pointColors: scene.pointColors,
                                       sceneExtent: scene.sceneExtent, featureCount: lift.featureCount)
        try folder.create()
        try folder.writeConfig(config)
        let trainer = try Trainer(config: config, views: views, state: state, backend: CPURasterizer(), objective: objective)
        let reporter = progress ?? ProgressReporter(totalIterations: config.iterations, interval: config.logInterval)
        let session = try TrainingSession(trainer: trainer, folder: folder, resumed: false, stop: stop,
                                          progress: reporter) { gaussians, url in
            let codebook = try Codebook(entryCount: lift.codebookSize, featureCount: lift.featureCount,
                                        values: objective.codebook)
            let ids = try LiftInference.gaussianIDs(gaussians, codebook: codebook)
            try PLYFile.writeGaussians(GaussianPLY(gaussians: gaussians, objectIDs: ids), to: url)
        }
        _ = try session.run()
        try objective.saveCodebook(to: folder.url.appendingPathComponent(Codebook.fileName))
        return folder
    }
}
