import Foundation
import SplatIO
import SplatMath
import SplatRaster
import SplatTrain

/// A trained model folder together with its segmentation (`lift.json` and the codebook): renders
/// per-pixel object ids (METHOD.md §2).
public struct SegmentedModel {
    public let model: TrainedModel
    public let info: LiftModelInfo
    public let codebook: Codebook

    /// The segmentation of `model`, or nil when it was trained RGB-only. The codebook is the one
    /// saved with the model's point-cloud iteration, else the folder's `codebook.json`.
    public static func load(_ model: TrainedModel) throws -> SegmentedModel? {
        guard let info = try model.folder.readLiftInfo() else { return nil }
        let beside = model.folder.pointCloudURL(iteration: model.iteration)
            .deletingLastPathComponent().appendingPathComponent(Codebook.fileName)
        let url = FileManager.default.fileExists(atPath: beside.path) ? beside : model.folder.codebookURL
        let codebook = try Codebook.load(from: url)
        guard codebook.featureCount == model.gaussians.featureCount else {
            throw SplatError("the codebook has \(codebook.featureCount) feature channels, the point cloud \(model.gaussians.featureCount)",
                             path: url.path)
        }
        return SegmentedModel(model: model, info: info, codebook: codebook)
    }

    /// Renders scene view `index` with its identity features; ids = argmax_k C[k]·F_u per pixel,
    /// row-major W·H.
    public func render(view index: Int, backend: RasterBackend) throws -> (output: RenderOutput, ids: [Int32]) {
        let output = backend.render(model.gaussians, camera: model.camera(ofView: index),
                                    options: model.renderOptions(features: true))
        let ids = try LiftInference.pixelIDs(features: output.features, pixelCount: output.width * output.height,
                                             codebook: codebook)
        return (output, ids)
    }

    /// The scene loaded with the masks folder the model was trained on (for the input masks).
    public func sceneWithTrainingMasks() throws -> Scene {
        let masks = URL(fileURLWithPath: info.masksPath)
        guard model.scene.masksFolder?.standardizedFileURL.path != masks.standardizedFileURL.path else { return model.scene }
        var options = model.config.sceneLoadOptions(background: model.scene.background)
        options.masks = masks
        return try SceneLoader.load(model.scene.root, options: options)
    }
}
