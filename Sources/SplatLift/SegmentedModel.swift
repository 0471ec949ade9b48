import Foundation
import SplatIO
import SplatMath
import SplatRaster
import SplatTrain

/// A trained model folder with its segmentation: `lift.json`, the codebook, the object table
/// (`objects.json`) and the point cloud's per-Gaussian `object_id`. Pixel ids are rendered from the
/// Gaussians' ids (`ObjectIDRendering`): the object holding most of a pixel's blending weight.
public struct SegmentedModel {
    public let model: TrainedModel
    public let info: LiftModelInfo
    public let codebook: Codebook
    public let table: ObjectTable
    /// Every Gaussian's object id, 1…K (0: none).
    public let objectIDs: [Int32]

    /// The segmentation of `model`, or nil when it was trained RGB-only. The codebook and table are
    /// the ones saved with the model's point-cloud iteration, else the folder's. A segmented model
    /// without an object table or per-Gaussian ids (written by an older SplatLift) is refused with
    /// the command that upgrades it.
    public static func load(_ model: TrainedModel) throws -> SegmentedModel? {
        guard let (info, codebook) = try loadCodebook(model) else { return nil }
        let tableURL = model.folder.segmentationFile(ObjectTable.fileName, iteration: model.iteration)
        let hasTable = FileManager.default.fileExists(atPath: tableURL.path)
        guard hasTable || info.config.objective == .unifiedLift else {
            throw SplatError("the model was trained with the contrastive objective alone and has no objects yet; "
                             + "run `splatlift cluster MODEL --search 10:200:10` to make them", path: model.folder.url.path)
        }
        guard hasTable, let objectIDs = model.objectIDs else {
            throw SplatError("the model has no object table or no per-Gaussian object_id (written by an older SplatLift); "
                             + "run `splatlift group MODEL` to upgrade it", path: model.folder.url.path)
        }
        let table = try ObjectTable.load(from: tableURL)
        guard table.entryCount == codebook.entryCount else {
            throw SplatError("the object table covers \(table.entryCount) entries, the codebook has \(codebook.entryCount)",
                             path: tableURL.path)
        }
        let known = Set(table.ids.map(Int32.init))
        if let bad = objectIDs.first(where: { $0 != 0 && !known.contains($0) }) {
            throw SplatError("the point cloud names object \(bad), which the object table lacks (\(table.validIDsText))",
                             path: model.folder.pointCloudURL(iteration: model.iteration).path)
        }
        return SegmentedModel(model: model, info: info, codebook: codebook, table: table, objectIDs: objectIDs)
    }

    /// `lift.json` and the codebook of `model`, or nil when it was trained RGB-only.
    public static func loadCodebook(_ model: TrainedModel) throws -> (LiftModelInfo, Codebook)? {
        guard let info = try model.folder.readLiftInfo() else { return nil }
        let codebookURL = model.folder.segmentationFile(Codebook.fileName, iteration: model.iteration)
        let codebook = try Codebook.load(from: codebookURL)
        guard codebook.featureCount == model.gaussians.featureCount else {
            throw SplatError("the codebook has \(codebook.featureCount) feature channels, the point cloud \(model.gaussians.featureCount)",
                             path: codebookURL.path)
        }
        return (info, codebook)
    }

    /// Per-pixel object ids (row-major W·H, 0 = none) of scene view `index`.
    public func pixelIDs(view index: Int, backend: RasterBackend) throws -> [Int32] {
        try ObjectIDRendering.pixelIDs(model.gaussians, objectIDs: objectIDs, camera: model.camera(ofView: index),
                                       backend: backend, threads: model.config.threads).map { max($0, 0) }
    }

    /// The grouped argmax of a rendered feature map, in object ids (a diagnostic).
    public func featurePixelIDs(_ output: RenderOutput) throws -> [Int32] {
        try LiftInference.pixelIDs(features: output.features, pixelCount: output.width * output.height, codebook: codebook,
                                   table: table, threads: model.config.threads)
    }

    /// The paper's bare argmax over all codebook entries (METHOD.md §2), in entry numbers.
    public func barePixelIDs(_ output: RenderOutput) throws -> [Int32] {
        try LiftInference.pixelIDs(features: output.features, pixelCount: output.width * output.height, codebook: codebook,
                                   threads: model.config.threads)
    }

    /// Renders scene view `index` with its identity features and its per-pixel object ids.
    public func render(view index: Int, backend: RasterBackend) throws -> (output: RenderOutput, ids: [Int32]) {
        let output = backend.render(model.gaussians, camera: model.camera(ofView: index),
                                    options: model.renderOptions(features: true))
        return (output, try pixelIDs(view: index, backend: backend))
    }

    /// The scene loaded with the masks folder the model was trained on (for the input masks).
    public func sceneWithTrainingMasks() throws -> Scene {
        try Self.sceneWithTrainingMasks(model, info: info)
    }

    static func sceneWithTrainingMasks(_ model: TrainedModel, info: LiftModelInfo) throws -> Scene {
        let masks = URL(fileURLWithPath: info.masksPath)
        guard model.scene.masksFolder?.standardizedFileURL.path != masks.standardizedFileURL.path else { return model.scene }
        var options = model.config.sceneLoadOptions(background: model.scene.background)
        options.masks = masks
        return try SceneLoader.load(model.scene.root, options: options)
    }
}
