import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// A segmented model folder (written by `train` with masks: `lift.json`, `codebook.json`,
/// `objects.json`, the PLY's `object_id`) ready for object edits.
public struct EditableModel {
    public let segmented: SegmentedModel
    /// Every Gaussian's object id (the PLY's `object_id`).
    public var objectIDs: [Int32] { segmented.objectIDs }
    public var table: ObjectTable { segmented.table }

    public var trained: TrainedModel { segmented.model }
    public var codebook: Codebook { segmented.codebook }

    public init(segmented: SegmentedModel) { self.segmented = segmented }

    /// Loads `cfg.json`, the latest point cloud, the scene, `lift.json` and the codebook of a model folder.
    public static func load(_ url: URL, scenePath: URL? = nil) throws -> EditableModel {
        let trained = try TrainedModel.load(ModelFolder(url), scenePath: scenePath)
        guard let segmented = try SegmentedModel.load(trained) else {
            throw SplatError("the model has no \(LiftModelInfo.fileName): it was trained without segmentation masks", path: url.path)
        }
        return EditableModel(segmented: segmented)
    }

    public var gaussians: GaussianParams { trained.gaussians }
    public var scene: Scene { trained.scene }

    /// A view given by its index ("3"), its image name ("frame_00003.png") or its stem ("frame_00003");
    /// see `Scene.viewIndex(_:names:)`.
    public func viewIndex(_ text: String) throws -> Int {
        try Scene.viewIndex(text, names: scene.views.map(\.name))
    }

    /// Renders scene view `index` at the training resolution, with features when the Gaussians
    /// carry them; `gaussians` defaults to the whole model.
    public func render(view index: Int, gaussians: GaussianParams? = nil, backend: RasterBackend) -> RenderOutput {
        backend.render(gaussians ?? trained.gaussians, camera: trained.camera(ofView: index),
                       options: trained.renderOptions(features: true))
    }

    /// Per-pixel object ids of view `index` (`SegmentedModel.pixelIDs`).
    public func pixelIDs(view index: Int, backend: RasterBackend) throws -> [Int32] {
        try segmented.pixelIDs(view: index, backend: backend)
    }
}
