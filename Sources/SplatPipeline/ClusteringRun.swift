import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// `splatlift cluster MODEL`: the post-processing baseline's objects (OmniSeg3D-GS, Contrastive
/// Lift) for a model trained with features: HDBSCAN over the Gaussians' normalised features at
/// each minimum cluster size of `sizes`, the size whose rendered clusters best match the training
/// masks kept (`ClusterSearch`), written as the PLY's `object_id` and `objects.json` (candidates
/// `clusters`, no splitting) like `group`, plus every trial in `cluster_search.json`.
public struct ClusteringRun {
    public var model: URL
    public var sizes: [Int]
    public var minSamples: Int?
    /// At most this many training views score each size.
    public var scoringViewCount = 8
    /// Also score each size on the test views' ground truth in this folder (`<stem>.png`).
    public var groundTruth: URL?
    public var scenePath: URL?
    public var backend: RasterBackend = CPURasterizer()

    public init(model: URL, sizes: [Int]) {
        self.model = model
        self.sizes = sizes
    }

    /// Runs the search and writes the model's objects; `progress` sees every trial.
    @discardableResult
    public func run(progress: (ClusterSearch.Trial) -> Void = { _ in }) throws -> (report: ClusterSearch.Report, table: ObjectTable) {
        var clock = Stopwatch()
        let (trained, inputs) = try ObjectRegrouping.trainingInputs(model, scenePath: scenePath, backend: backend)
        let scoring = ClusterSearch.ScoringViews.trainingMasks(inputs, count: scoringViewCount)
        let truth = try groundTruth.map { try groundTruthViews(trained, folder: $0) }
        let (trials, best, clusters) = try ClusterSearch.run(inputs, sizes: sizes, minSamples: minSamples, scoring: scoring,
                                                        groundTruth: truth, progress: progress)
        var settings = ObjectSettings()
        settings.candidates = .clusters
        settings.clusterSize = best.minClusterSize
        settings.clusterSamples = minSamples
        settings.splitting = false
        let result = try ObjectPipeline.finish(inputs, clusters: clusters, settings: settings)
        try ObjectRegrouping.write(result, to: trained)
        let report = ClusterSearch.Report(minSamples: minSamples, scoringViews: scoring.names, groundTruthViews: truth?.names,
                                          trials: trials, chosen: best, objects: result.table.objects.count, seconds: clock.lap())
        try report.save(to: trained.folder.url.appendingPathComponent(ClusterSearch.Report.fileName))
        return (report, result.table)
    }

    /// The test views that have a ground-truth map in `folder`, at the model's resolution.
    private func groundTruthViews(_ trained: TrainedModel, folder: URL) throws -> ClusterSearch.ScoringViews {
        var cameras = [PinholeCamera](), labels = [[Int32]](), names = [String]()
        for index in trained.scene.testIndices {
            guard let map = try SegmentationEvaluation.groundTruth(trained.scene, view: index, folder: folder,
                                                                   downscale: trained.config.resolution) else { continue }
            cameras.append(trained.camera(ofView: index))
            labels.append(map.labels)
            names.append(trained.scene.views[index].name)
        }
        guard !cameras.isEmpty else { throw SplatError("no test view has a ground-truth instance map here", path: folder.path) }
        return ClusterSearch.ScoringViews(cameras: cameras, labels: labels, names: names, consistentAcrossViews: true)
    }
}
