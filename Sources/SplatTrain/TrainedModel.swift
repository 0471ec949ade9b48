import Foundation
import SplatEval
import SplatIO
import SplatMath
import SplatRaster

/// Which of the scene's views to use.
public enum ViewSplit: String, Sendable, CaseIterable, Codable {
    case train, test, all

    public func indices(in scene: Scene) -> [Int] {
        switch self {
        case .train: scene.trainIndices
        case .test: scene.testIndices
        case .all: Array(scene.views.indices)
        }
    }
}

/// A trained model folder loaded for rendering and evaluation: its configuration, scene and the
/// point cloud of one iteration (the latest by default).
public struct TrainedModel {
    public let folder: ModelFolder
    public let config: TrainConfig
    public let iteration: Int
    public let gaussians: GaussianParams
    /// Per-Gaussian object ids when the PLY has them (segmentation models).
    public let objectIDs: [Int32]?
    public let scene: Scene

    /// Loads `cfg.json`, the scene it names (or `scenePath` when given) and the point cloud.
    public static func load(_ folder: ModelFolder, iteration: Int? = nil, scenePath: URL? = nil) throws -> TrainedModel {
        let config = try folder.readConfig()
        guard let iteration = iteration ?? folder.latestPointCloudIteration() else {
            throw SplatError("the model folder has no point_cloud/iteration_N/point_cloud.ply", path: folder.url.path)
        }
        let plyURL = folder.pointCloudURL(iteration: iteration)
        guard FileManager.default.fileExists(atPath: plyURL.path) else {
            throw SplatError("no point cloud for iteration \(iteration)", path: plyURL.path)
        }
        let ply = try PLYFile.readGaussians(plyURL)
        let sceneURL = scenePath ?? URL(fileURLWithPath: config.scenePath)
        let scene = try SceneLoader.load(sceneURL, options: config.sceneLoadOptions(background: config.displayBackground))
        return TrainedModel(folder: folder, config: config, iteration: iteration, gaussians: ply.gaussians,
                            objectIDs: ply.objectIDs, scene: scene)
    }

    /// The background the model is shown on (random-background models render on black).
    public var background: SIMD3<Float> { config.displayBackground }

    /// Full-quality render options: every stored SH band, the training background.
    public func renderOptions(features: Bool = false) -> RenderOptions {
        var options = RenderOptions()
        options.background = background
        options.activeSHDegree = min(gaussians.shDegree, config.maxSHDegree)
        options.renderFeatures = features && gaussians.featureCount > 0
        options.threads = config.threads
        return options
    }

    /// The camera of scene view `index` at the training resolution.
    public func camera(ofView index: Int) -> PinholeCamera {
        scene.camera(index, downscale: config.resolution)
    }

    /// The photo of view `index` at the training resolution, over the model's background (the
    /// scene was loaded with it).
    public func groundTruth(ofView index: Int) throws -> RGBImage {
        try scene.loadImage(index, downscale: config.resolution)
    }
}

/// PSNR and SSIM of a model's renders against the photos (METHOD.md §4.4), per view and averaged
/// over views (as 3DGS `metrics.py`).
public struct ImageQualityReport: Codable, Sendable {
    public struct ViewScore: Codable, Sendable {
        public var name: String
        public var psnr: Double
        public var ssim: Double
    }

    public var iteration: Int
    public var split: ViewSplit
    public var psnr: Double
    public var ssim: Double
    public var views: [ViewScore]

    /// Renders every view of `split` and scores it.
    public static func evaluate(_ model: TrainedModel, split: ViewSplit, backend: RasterBackend) throws -> ImageQualityReport {
        let indices = split.indices(in: model.scene)
        guard !indices.isEmpty else { throw SplatError("the scene has no \(split.rawValue) views", path: model.config.scenePath) }
        var scores = [ViewScore]()
        for index in indices {
            let camera = model.camera(ofView: index)
            let output = backend.render(model.gaussians, camera: camera, options: model.renderOptions())
            let truth = try model.groundTruth(ofView: index)
            guard truth.width == output.width, truth.height == output.height else {
                throw SplatError("photo is \(truth.width)x\(truth.height), render is \(output.width)x\(output.height)",
                                 path: model.scene.views[index].name)
            }
            // Metrics on the displayable image, clamped to [0, 1] as when saved.
            let rendered = output.color.map { min(max($0, 0), 1) }
            scores.append(ViewScore(name: model.scene.views[index].name,
                                    psnr: ImageMetrics.psnr(rendered, truth.pixels),
                                    ssim: SSIM.value(rendered, truth.pixels, channels: 3,
                                                     width: truth.width, height: truth.height)))
        }
        let n = Double(scores.count)
        return ImageQualityReport(iteration: model.iteration, split: split,
                                  psnr: scores.map(\.psnr).reduce(0, +) / n,
                                  ssim: scores.map(\.ssim).reduce(0, +) / n, views: scores)
    }
}
