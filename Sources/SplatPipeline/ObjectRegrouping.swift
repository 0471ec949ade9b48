import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// Runs the object pipeline again on a segmented model folder: to upgrade a folder written by an
/// older SplatLift, or to try other `ObjectSettings` than training used.
public enum ObjectRegrouping {
    /// Runs `ObjectPipeline` on the latest point cloud's training views and masks, rewrites the PLY's
    /// `object_id` and writes `objects.json` beside that point cloud and in the folder.
    @discardableResult
    public static func regroup(_ url: URL, settings: ObjectSettings = ObjectSettings(), scenePath: URL? = nil,
                               backend: RasterBackend = CPURasterizer()) throws -> (table: ObjectTable, gaussianIDs: [Int32]) {
        let (trained, inputs) = try trainingInputs(url, scenePath: scenePath, backend: backend)
        let result = try ObjectPipeline.run(inputs, settings: settings)
        try write(result, to: trained)
        return result
    }

    /// A segmented model folder's latest point cloud with its training views and masks.
    static func trainingInputs(_ url: URL, scenePath: URL?,
                               backend: RasterBackend) throws -> (TrainedModel, ObjectPipeline.Inputs) {
        let trained = try TrainedModel.load(ModelFolder(url), scenePath: scenePath)
        guard let (info, codebook) = try SegmentedModel.loadCodebook(trained) else {
            throw SplatError("the model has no \(LiftModelInfo.fileName): it was trained without segmentation masks", path: url.path)
        }
        return (trained, try ObjectPipeline.Inputs(trainingViewsOf: trained, info: info, codebook: codebook, backend: backend))
    }

    /// Rewrites the latest point cloud's `object_id` and writes the table beside it and in the folder.
    static func write(_ result: (table: ObjectTable, gaussianIDs: [Int32]), to trained: TrainedModel) throws {
        let plyURL = trained.folder.pointCloudURL(iteration: trained.iteration)
        var ply = try PLYFile.readGaussians(plyURL)
        ply.objectIDs = result.gaussianIDs
        // The codebook is the one training wrote (with its optimiser state): left as it is.
        try trained.folder.writeSegmentedPointCloud(ply, to: plyURL, table: result.table, saveCodebook: { _ in })
    }
}
