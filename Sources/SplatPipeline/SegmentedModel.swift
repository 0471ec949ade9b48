import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// A trained model folder with identity features: the model, its codebook (`codebook.json`) and
/// one object id per Gaussian.
public struct SegmentedModel {
    public let trained: TrainedModel
    public let codebook: Codebook
    /// The PLY's `object_id` when present, else argmax_k C[k]·f_i (METHOD.md §2).
    public let objectIDs: [Int32]

    /// Loads `cfg.json`, the latest point cloud, the scene and `codebook.json` of a model folder.
    public static func load(_ url: URL, scenePath: URL? = nil) throws -> SegmentedModel {
        let trained = try TrainedModel.load(ModelFolder(url), scenePath: scenePath)
        let codebookURL = url.appendingPathComponent(Codebook.fileName)
        guard FileManager.default.fileExists(atPath: codebookURL.path) else {
            throw SplatError("the model has no \(Codebook.fileName): it was trained without segmentation masks", path: url.path)
        }
        let codebook = try Codebook.load(from: codebookURL)
        guard trained.gaussians.featureCount == codebook.featureCount else {
            throw SplatError("the point cloud has \(trained.gaussians.featureCount) identity channels, the codebook "
                             + "\(codebook.featureCount)", path: url.path)
        }
        let ids = try trained.objectIDs ?? LiftInference.gaussianIDs(trained.gaussians, codebook: codebook)
        guard ids.count == trained.gaussians.count else {
            throw SplatError("\(ids.count) object ids for \(trained.gaussians.count) Gaussians", path: url.path)
        }
        return SegmentedModel(trained: trained, codebook: codebook, objectIDs: ids)
    }

    public var gaussians: GaussianParams { trained.gaussians }
    public var scene: Scene { trained.scene }

    /// A view given by its index ("3"), its image name ("frame_00003.png") or its stem ("frame_00003").
    public func viewIndex(_ text: String) throws -> Int {
        if let index = Int(text) {
            guard scene.views.indices.contains(index) else {
                throw SplatError("view \(index) is out of range: the scene has \(scene.views.count) views")
            }
            return index
        }
        let stem = { (name: String) in URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent }
        if let index = scene.views.firstIndex(where: { $0.name == text || stem($0.name) == text || stem($0.name) == stem(text) }) {
            return index
        }
        throw SplatError("the scene has no view named '\(text)' (use an index, an image name or its stem)")
    }

    /// Renders scene view `index` at the training resolution, with features when the Gaussians
    /// carry them; `gaussians` defaults to the whole model.
    public func render(view index: Int, gaussians: GaussianParams? = nil, backend: RasterBackend) -> RenderOutput {
        backend.render(gaussians ?? trained.gaussians, camera: trained.camera(ofView: index),
                       options: trained.renderOptions(features: true))
    }

    /// Per-pixel ids of a render with features: argmax_k C[k]·F_u (METHOD.md §2).
    public func pixelIDs(_ output: RenderOutput) throws -> [Int32] {
        try LiftInference.pixelIDs(features: output.features, pixelCount: output.width * output.height, codebook: codebook)
    }
}
