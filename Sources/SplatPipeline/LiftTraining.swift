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
    /// The training views' cameras at the training resolution, in the objective's view order.
    let cameras: [PinholeCamera]

    /// The objective for the training views' masks, loaded at the training resolution.
    public static func make(config: LiftConfig, scene: Scene, trainIndices: [Int], downscale: Int,
                            views: [TrainingView]) throws -> LiftTraining {
        guard let masks = scene.masksFolder else { throw SplatError("the scene has no masks folder", path: scene.root.path) }
        let maps = try LiftTrainingLabels.load(from: scene, indices: trainIndices, downscale: downscale)
        for (map, view) in zip(maps, views) where map.width != view.camera.width || map.height != view.camera.height {
            throw SplatError("mask is \(map.width)x\(map.height) at -r \(downscale), the image \(view.camera.width)x\(view.camera.height)",
                             path: view.name)
        }
        let objective = try LiftObjective(config: config, labelMaps: maps)
        return LiftTraining(objective: objective, info: LiftModelInfo(config: config, masksPath: masks.standardizedFileURL.path),
                            cameras: views.map(\.camera))
    }

    /// Groups the codebook entries into objects on the training views (`ObjectGrouping`), then
    /// writes the point cloud with `obj_dc_*` and the grouped `object_id` (voted on the training
    /// views, `GaussianVoting`), and the codebook and the
    /// grouping beside it and in the model folder.
    public func writePointCloud(_ gaussians: GaussianParams, to url: URL, folder: ModelFolder, threads: Int = 0) throws {
        let codebook = objective.codebookModel
        let (grouping, ids) = try ObjectGrouping.buildWithGaussianIDs(gaussians: gaussians, codebook: codebook, cameras: cameras,
                                                                      masks: objective.views, backend: CPURasterizer(),
                                                                      threads: threads)
        try PLYFile.writeGaussians(GaussianPLY(gaussians: gaussians, objectIDs: ids), to: url)
        for dir in [url.deletingLastPathComponent(), folder.url] {
            try objective.saveCodebook(to: dir.appendingPathComponent(Codebook.fileName))
            try grouping.save(to: dir.appendingPathComponent(ObjectGrouping.fileName))
        }
    }
}
