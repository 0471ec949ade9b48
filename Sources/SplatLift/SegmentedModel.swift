import Foundation
import SplatIO
import SplatMath
import SplatRaster
import SplatTrain

/// A trained model folder together with its segmentation (`lift.json`, the codebook and, when
/// training wrote one, the object grouping): renders per-pixel object ids.
public struct SegmentedModel {
    public let model: TrainedModel
    public let info: LiftModelInfo
    public let codebook: Codebook
    /// Which codebook entries form one object (`objects.json`); nil for models trained before it
    /// existed or when the paper's bare argmax is asked for.
    public let grouping: ObjectGrouping?

    /// The segmentation of `model`, or nil when it was trained RGB-only. The codebook and grouping
    /// are the ones saved with the model's point-cloud iteration, else the folder's.
    public static func load(_ model: TrainedModel) throws -> SegmentedModel? {
        guard let info = try model.folder.readLiftInfo() else { return nil }
        let codebookURL = model.folder.segmentationFile(Codebook.fileName, iteration: model.iteration)
        let codebook = try Codebook.load(from: codebookURL)
        guard codebook.featureCount == model.gaussians.featureCount else {
            throw SplatError("the codebook has \(codebook.featureCount) feature channels, the point cloud \(model.gaussians.featureCount)",
                             path: codebookURL.path)
        }
        let groupingURL = model.folder.segmentationFile(ObjectGrouping.fileName, iteration: model.iteration)
        var grouping: ObjectGrouping?
        if FileManager.default.fileExists(atPath: groupingURL.path) {
            grouping = try ObjectGrouping.load(from: groupingURL)
            guard grouping?.entryCount == codebook.entryCount else {
                throw SplatError("the object grouping covers \(grouping?.entryCount ?? 0) entries, the codebook has \(codebook.entryCount)",
                                 path: groupingURL.path)
            }
        }
        return SegmentedModel(model: model, info: info, codebook: codebook, grouping: grouping)
    }

    /// The same model scored with the paper's bare argmax over all codebook entries (METHOD.md §2).
    public var ungrouped: SegmentedModel {
        SegmentedModel(model: model, info: info, codebook: codebook, grouping: nil)
    }

    /// Colour numbers for `SegmentationOverlay`: the grouped objects in order (ungrouped: none).
    public var overlayColors: [Int32: Int32] {
        guard let grouping else { return [:] }
        return Dictionary(uniqueKeysWithValues: grouping.objects.enumerated().map { (Int32($0.element), Int32($0.offset)) })
    }

    /// Whether pixel ids are drawn from the Gaussians' object ids: when the point cloud carries ids
    /// voted against an object grouping (what training and `splatlift group` write).
    public var rendersGaussianIDs: Bool { grouping != nil && model.objectIDs != nil }

    /// Per-pixel object ids (row-major W·H) of scene view `index`, whose full-model render with
    /// features is `output`: the objects of the Gaussians drawn there (`ObjectIDRendering`) when
    /// `rendersGaussianIDs`, else the argmax of the rendered feature (`featurePixelIDs`).
    public func pixelIDs(view index: Int, output: RenderOutput, backend: RasterBackend) throws -> [Int32] {
        guard rendersGaussianIDs, let objectIDs = model.objectIDs else { return try featurePixelIDs(output) }
        return try ObjectIDRendering.pixelIDs(model.gaussians, objectIDs: objectIDs, camera: model.camera(ofView: index),
                                              backend: backend, threads: model.config.threads)
    }

    /// Per-pixel ids of a render with features: argmax_k C[k]·F(p) (METHOD.md §2), entries mapped
    /// to their objects when grouped.
    public func featurePixelIDs(_ output: RenderOutput) throws -> [Int32] {
        try LiftInference.pixelIDs(features: output.features, pixelCount: output.width * output.height,
                                   codebook: codebook, grouping: grouping)
    }

    /// Renders scene view `index` with its identity features and its per-pixel object ids.
    public func render(view index: Int, backend: RasterBackend) throws -> (output: RenderOutput, ids: [Int32]) {
        let output = backend.render(model.gaussians, camera: model.camera(ofView: index),
                                    options: model.renderOptions(features: true))
        return (output, try pixelIDs(view: index, output: output, backend: backend))
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
