import Foundation
import SplatIO
import SplatEval
import SplatMath
import SplatRaster

/// The post-processing baseline's choice of HDBSCAN's minimum cluster size (Unified-Lift [SUPP]
/// Tab. 1 and Fig. 5: searched over 10…200 per scene): each size clusters one sample of rendered
/// training features and gives every Gaussian its nearest cluster (`FeatureClustering`), renders their clusters into some training views and scores them against
/// those views' masks, matched view by view (no ground truth); the best PQ wins, ties to the
/// smaller size. Views with ground truth can be scored too, to plot the sensitivity; they never
/// choose.
public enum ClusterSearch {
    /// Views with reference labels (0 = none) at the model's resolution.
    public struct ScoringViews {
        public var cameras: [PinholeCamera]
        public var labels: [[Int32]]
        public var names: [String]
        /// Whether a label names the same thing in every view (ground truth: scene matching) or
        /// only within its view (masks: a matching per view).
        public var consistentAcrossViews: Bool

        public init(cameras: [PinholeCamera], labels: [[Int32]], names: [String], consistentAcrossViews: Bool) {
            self.cameras = cameras; self.labels = labels; self.names = names
            self.consistentAcrossViews = consistentAcrossViews
        }

        /// At most `count` views of the object pipeline's training views, evenly spaced, with their
        /// masks made unique per view.
        public static func trainingMasks(_ inputs: ObjectPipeline.Inputs, count: Int) -> ScoringViews {
            let n = inputs.cameras.count, k = max(1, min(count, n))
            let picked = (0..<k).map { $0 * n / k }
            return ScoringViews(cameras: picked.map { inputs.cameras[$0] },
                                labels: picked.map { v in
                                    let mask = inputs.masks[v]
                                    return mask.index.indices.map { p in
                                        mask.values[Int(mask.index[p])] == 0 ? 0 : Int32(v * 65_536) + Int32(mask.index[p]) + 1
                                    }
                                },
                                names: picked.map { inputs.viewNames[$0] }, consistentAcrossViews: false)
        }
    }

    /// mIoU, F@0.5, PQ and mean boundary IoU of one clustering on some views.
    public struct Score: Codable, Sendable, Equatable {
        public var meanIoU: Double
        public var fScore: Double
        public var pq: Double
        public var meanBoundaryIoU: Double
    }

    /// One minimum cluster size tried.
    public struct Trial: Codable, Sendable {
        public var minClusterSize: Int
        public var clusters: Int
        public var noiseGaussians: Int
        /// Against the training masks: what chooses.
        public var trainingMasks: Score
        /// Against ground truth, when views with it were given.
        public var groundTruth: Score?
        public var seconds: Double
    }

    /// What `cluster_search.json` holds: every size tried and the one chosen.
    public struct Report: VersionedJSONFile, Sendable {
        public static let fileName = "cluster_search.json"
        public static let formatName = "splatlift-cluster-search-1"
        public static let kind = "cluster search report"

        public var format = Report.formatName
        /// HDBSCAN's `min_samples` (nil: each trial's minimum cluster size).
        public var minSamples: Int?
        /// The training views whose masks chose the size.
        public var scoringViews: [String]
        /// The test views whose ground truth was scored (never used to choose), if any.
        public var groundTruthViews: [String]?
        public var trials: [Trial]
        public var chosen: Trial
        public var objects: Int
        /// Seconds for the whole search, writing included.
        public var seconds: Double

        public init(minSamples: Int?, scoringViews: [String], groundTruthViews: [String]?, trials: [Trial], chosen: Trial,
                    objects: Int, seconds: Double) {
            self.minSamples = minSamples; self.scoringViews = scoringViews; self.groundTruthViews = groundTruthViews
            self.trials = trials; self.chosen = chosen; self.objects = objects; self.seconds = seconds
        }

        /// Writes the report as JSON, atomically.
        public func save(to url: URL) throws {
            try JSONFiles.write(self, to: url, what: "the cluster search report")
        }
    }

    /// Tries every size of `sizes` (in order; `minSamples` nil = each size, as HDBSCAN's default)
    /// and returns the trials, the chosen one and its clusters. `progress` sees every trial.
    public static func run(_ inputs: ObjectPipeline.Inputs, sizes: [Int], minSamples: Int?, scoring: ScoringViews,
                           groundTruth: ScoringViews?,
                           progress: (Trial) -> Void = { _ in }) throws -> (trials: [Trial], best: Trial, clusters: FeatureClustering.Result) {
        guard !sizes.isEmpty else { throw SplatError("cluster search: no minimum cluster size to try") }
        let sample = FeatureClustering.pixelSample(inputs)
        var trials = [Trial](), best: (trial: Trial, clusters: FeatureClustering.Result)?
        for size in sizes {
            var clock = Stopwatch()
            let settings = HDBSCAN.Settings(minClusterSize: size, minSamples: minSamples)
            let result = try FeatureClustering.cluster(inputs.gaussians, sample: sample, settings: settings,
                                                       threads: inputs.threads)
            let trial = Trial(minClusterSize: size, clusters: result.clusters, noiseGaussians: result.noise,
                              trainingMasks: try score(inputs, ids: result.ids, on: scoring),
                              groundTruth: try groundTruth.map { try score(inputs, ids: result.ids, on: $0) },
                              seconds: clock.lap())
            progress(trial)
            trials.append(trial)
            if best == nil || trial.trainingMasks.pq > best!.trial.trainingMasks.pq { best = (trial, result) }
        }
        return (trials, best!.trial, best!.clusters)
    }

    /// Scores Gaussian ids rendered into `views` (pixel ids by most blending weight).
    static func score(_ inputs: ObjectPipeline.Inputs, ids: [Int32], on views: ScoringViews) throws -> Score {
        let rendered = try zip(views.cameras, zip(views.labels, views.names)).map { camera, reference in
            let pixels = try ObjectIDRendering.pixelIDs(inputs.gaussians, objectIDs: ids, camera: camera,
                                                        backend: inputs.backend, threads: inputs.threads)
            return try SegmentationView(width: camera.width, height: camera.height, groundTruth: reference.0,
                                        prediction: pixels.map { $0 + 1 }, name: reference.1)
        }
        let options = SegmentationOptions(groundTruthVoid: 0, predictionVoid: 0)
        let s = views.consistentAcrossViews ? try SegmentationMetrics.scene(rendered, options: options)
                                            : try SegmentationMetrics.perView(rendered, options: options)
        return Score(meanIoU: s.meanIoU, fScore: s.fScore, pq: s.panoptic.pq, meanBoundaryIoU: s.meanBoundaryIoU)
    }
}
