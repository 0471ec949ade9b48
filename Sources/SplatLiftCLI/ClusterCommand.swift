import ArgumentParser
import Foundation
import SplatLift
import SplatPipeline

/// `splatlift cluster MODEL`: the post-processing baseline's objects (HDBSCAN over the features).
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Make a model's objects by clustering its identity features with HDBSCAN (the post-processing baseline).",
        discussion: """
        What OmniSeg3D-GS and Contrastive Lift do after training contrastive features (train with \
        --objective contrastive): HDBSCAN over the normalised 16-d rendered features of 30,000 random \
        training pixels; every Gaussian then takes the cluster whose mean direction is nearest to its own \
        feature's. With --search each \
        minimum cluster size is tried, its clusters rendered into some training views and scored against \
        their masks (per-view matching, no ground truth), and the best PQ kept. Writes the point cloud's \
        object_id, objects.json (ids 1…K by area, like `group`) and cluster_search.json (every size tried), \
        so eval, render --segmentation, objects, extract and remove work on the result unchanged.
        """)

    @Argument(help: "Model folder trained with masks (normally with --objective contrastive).") var model: String

    @Option(name: .long, parsing: .unconditional, help: "HDBSCAN's minimum cluster size (no search).")
    var minClusterSize: Int?

    @Option(name: .long, parsing: .unconditional, help: "Search the minimum cluster size over FIRST:LAST:STEP (default 10:200:10 when --min-cluster-size is not given).")
    var search: String?

    @Option(name: .long, parsing: .unconditional, help: "HDBSCAN's min_samples (default: the minimum cluster size, HDBSCAN's own default).")
    var minSamples: Int?

    @Option(name: .long, parsing: .unconditional, help: "Training views whose masks score each size (evenly spaced).")
    var scoringViews = 8

    @Option(name: .long, help: "Also score every size on the test views' ground truth in DIR (<image stem>.png), for plots; it never chooses.")
    var gt: String?

    @Option(help: "Scene folder, when it has moved since training.") var scene: String?

    func validate() throws {
        if minClusterSize != nil && search != nil { throw ValidationError("give --min-cluster-size or --search, not both") }
        _ = try sizes()
        try OptionCheck.int(minSamples, "--min-samples", 1...Int.max)
        try OptionCheck.int(scoringViews, "--scoring-views", 1...100_000)
    }

    /// The minimum cluster sizes to try.
    func sizes() throws -> [Int] {
        if let minClusterSize {
            guard minClusterSize >= 2 else { throw ValidationError("--min-cluster-size must be at least 2") }
            return [minClusterSize]
        }
        let parts = (search ?? "10:200:10").split(separator: ":").map { Int($0) }
        guard parts.count == 3, let first = parts[0], let last = parts[1], let step = parts[2],
              first >= 2, last >= first, step >= 1 else {
            throw ValidationError("--search must be FIRST:LAST:STEP with 2 ≤ FIRST ≤ LAST and STEP ≥ 1, got '\(search ?? "")'")
        }
        return Array(stride(from: first, through: last, by: step))
    }

    func run() throws {
        try oneLineErrors {
            var run = ClusteringRun(model: URL(fileURLWithPath: model), sizes: try sizes())
            run.minSamples = minSamples
            run.scoringViewCount = scoringViews
            run.groundTruth = gt.map { URL(fileURLWithPath: $0) }
            run.scenePath = scene.map { URL(fileURLWithPath: $0) }
            var header = "min size  clusters   noise   masks PQ  mIoU" + (gt == nil ? "" : "   GT PQ   mIoU") + "   seconds"
            let (report, table) = try run.run { trial in
                if !header.isEmpty { print(header); header = "" }   // once the model and views have loaded
                var line = String(format: "%8d  %8d  %6d   %7.4f %7.4f", trial.minClusterSize, trial.clusters,
                                  trial.noiseGaussians, trial.trainingMasks.pq, trial.trainingMasks.meanIoU)
                if let truth = trial.groundTruth { line += String(format: "  %7.4f %7.4f", truth.pq, truth.meanIoU) }
                print(line + String(format: "  %8.1f", trial.seconds))
                fflush(nil)   // a line per size as it ends, also into a log file
            }
            print(String(format: "chose min cluster size %d (masks PQ %.4f): %d objects in %.1f s; wrote the point cloud's object_id, %@ and %@",
                         report.chosen.minClusterSize, report.chosen.trainingMasks.pq, table.objects.count, report.seconds,
                         ObjectTable.fileName, ClusterSearch.Report.fileName))
        }
    }
}
