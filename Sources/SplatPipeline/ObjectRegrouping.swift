import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// (Re)builds the object grouping of a segmented model folder: for models trained before
/// `objects.json` existed, or with other thresholds than training used.
public enum ObjectRegrouping {
    /// Groups the codebook entries of the model's latest point cloud on its training views and masks,
    /// writes `objects.json` beside that point cloud and in the folder, and rewrites the PLY's
    /// `object_id` with the grouped ids voted on the training views. Returns both.
    @discardableResult
    public static func regroup(_ url: URL, agreement: Double = 0.5, support: Double = 0.05,
                               splitting: ObjectSplitting.Settings = .init(), scenePath: URL? = nil) throws -> (grouping: ObjectGrouping, gaussianIDs: [Int32]) {
        let trained = try TrainedModel.load(ModelFolder(url), scenePath: scenePath)
        guard let segmented = try SegmentedModel.load(trained) else {
            throw SplatError("the model has no \(LiftModelInfo.fileName): it was trained without segmentation masks", path: url.path)
        }
        let scene = try segmented.sceneWithTrainingMasks()
        let masks = try LiftTrainingLabels.load(from: scene, indices: scene.trainIndices, downscale: trained.config.resolution)
            .map { try SegmentLabels($0) }
        let cameras = scene.trainIndices.map { trained.camera(ofView: $0) }
        let (grouping, ids) = try ObjectGrouping.buildWithGaussianIDs(gaussians: trained.gaussians, codebook: segmented.codebook,
                                                                      cameras: cameras, masks: masks, backend: CPURasterizer(),
                                                                      agreement: agreement, support: support,
                                                                      splitting: splitting, threads: trained.config.threads)
        let plyURL = trained.folder.pointCloudURL(iteration: trained.iteration)
        var ply = try PLYFile.readGaussians(plyURL)
        ply.objectIDs = ids
        try PLYFile.writeGaussians(ply, to: plyURL)
        try grouping.save(to: plyURL.deletingLastPathComponent().appendingPathComponent(ObjectGrouping.fileName))
        try grouping.save(to: trained.folder.objectGroupingURL)
        return (grouping, ids)
    }
}
