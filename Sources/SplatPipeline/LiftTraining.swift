import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// What a segmented training run adds to 3DGS training: the Unified-Lift objective on the training
/// views' masks, and the files of a segmented model folder (`lift.json`; beside every point cloud
/// and in the folder, `codebook.json` and `objects.json`; the PLY's `obj_dc_*` and `object_id`).
public struct LiftTraining {
    public let objective: LiftObjective
    public let info: LiftModelInfo
    /// The training views' cameras at the training resolution and their image names, in the
    /// objective's view order.
    let cameras: [PinholeCamera]
    let viewNames: [String]
    /// How the objects are made from the trained features (`ObjectPipeline`).
    public let objectSettings: ObjectSettings
    /// Renders the training views for the object pipeline.
    let backend: RasterBackend

    /// The objective for the training views' masks, loaded at the training resolution.
    public static func make(config: LiftConfig, objectSettings: ObjectSettings = ObjectSettings(), scene: Scene,
                            trainIndices: [Int], downscale: Int, views: [TrainingView],
                            backend: RasterBackend) throws -> LiftTraining {
        guard let masks = scene.masksFolder else { throw SplatError("the scene has no masks folder", path: scene.root.path) }
        let maps = try LiftTrainingLabels.load(from: scene, indices: trainIndices, downscale: downscale)
        for (map, view) in zip(maps, views) where map.width != view.camera.width || map.height != view.camera.height {
            throw SplatError("mask is \(map.width)x\(map.height) at -r \(downscale), the image \(view.camera.width)x\(view.camera.height)",
                             path: view.name)
        }
        let objective = try LiftObjective(config: config, labelMaps: maps)
        return LiftTraining(objective: objective, info: LiftModelInfo(config: config, masksPath: masks.standardizedFileURL.path),
                            cameras: views.map(\.camera), viewNames: views.map(\.name), objectSettings: objectSettings,
                            backend: backend)
    }

    /// Runs the object pipeline on the training views (`ObjectPipeline`), then writes the point
    /// cloud with `obj_dc_*` and the objects' `object_id`, and the codebook and the object table
    /// beside it and in the model folder.
    /// A contrastive-only run writes the features without objects: they come from `splatlift cluster`.
    public func writePointCloud(_ gaussians: GaussianParams, to url: URL, folder: ModelFolder, threads: Int = 0) throws {
        guard objective.config.objective == .unifiedLift else {
            try folder.writeSegmentedPointCloud(GaussianPLY(gaussians: gaussians), to: url, table: nil,
                                                saveCodebook: objective.saveCodebook(to:))
            return
        }
        let inputs = try ObjectPipeline.Inputs(gaussians: gaussians, codebook: objective.codebookModel, cameras: cameras,
                                               masks: objective.views, viewNames: viewNames, backend: backend,
                                               threads: threads)
        let (table, ids) = try ObjectPipeline.run(inputs, settings: objectSettings)
        try folder.writeSegmentedPointCloud(GaussianPLY(gaussians: gaussians, objectIDs: ids), to: url, table: table,
                                            saveCodebook: objective.saveCodebook(to:))
    }
}
