import ArgumentParser
import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// `splatlift eval MODEL`: PSNR and SSIM on the test views, printed and written to metrics.json.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a trained model's renders against the test photos (PSNR, SSIM) and, for a segmented model, its object ids against ground-truth instances.",
        discussion: """
        Segmented models (trained with masks) are also scored on the views that have ground truth: \
        mIoU and F-score at IoU 0.5 with Hungarian matching, PQ^scene, mean boundary IoU, for the lifted \
        ids and for the input masks of the same views (matched per view). Without --gt, a scene whose \
        views have no ground truth gets the image scores only. Everything goes to MODEL/metrics.json.
        """)

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "Ground-truth instance maps <image stem>.png (default: the scene's gt_instance/).")
    var gt: String?

    func run() throws {
        try oneLineErrors {
            let folder = options.folder, split = options.split
            let trained = try options.load()
            let report = try Self.evaluateImages(trained, split: split)
            // The test split is "rendering" (METHOD.md §4.4); other splits get their own section.
            let suffix = split == .test ? "" : "_\(split.rawValue)"
            try Self.mergeMetrics(["rendering" + suffix: report], into: folder.metricsURL)
            if let segmented = try SegmentedModel.load(trained) {
                if gt == nil, !split.indices(in: trained.scene).contains(where: { trained.scene.views[$0].gtURL != nil }) {
                    // A scene without ground truth, as most real captures: only the images are scored.
                    print("segmentation not scored: no \(split.rawValue) view has a ground-truth instance map in "
                          + "\(trained.scene.root.appendingPathComponent("gt_instance").path) (--gt DIR names another folder)")
                } else {
                    let evaluation = try SegmentationEvaluation.evaluate(segmented, split: split,
                                                                         groundTruthFolder: gt.map { URL(fileURLWithPath: $0) },
                                                                         backend: CPURasterizer())
                    print(evaluation.table)
                    try Self.mergeMetrics(["segmentation" + suffix: evaluation], into: folder.metricsURL)
                }
            } else if gt != nil {
                throw SplatError("--gt needs a model trained with segmentation (no lift.json)", path: folder.url.path)
            }
            print("wrote \(folder.metricsURL.path)")
        }
    }

    /// Image quality (METHOD.md §4.4), printed per view and on average.
    static func evaluateImages(_ trained: TrainedModel, split: ViewSplit) throws -> ImageQualityReport {
        let report = try ImageQualityReport.evaluate(trained, split: split, backend: CPURasterizer())
        for view in report.views {
            print(String(format: "%@  PSNR %.3f dB  SSIM %.4f", view.name, view.psnr, view.ssim))
        }
        print(String(format: "%@ views (%d), iteration %d: PSNR %.3f dB, SSIM %.4f", split.rawValue, report.views.count,
                     report.iteration, report.psnr, report.ssim))
        return report
    }

    /// Writes `metrics.json` atomically, replacing only the given top-level sections, so other
    /// evaluations (segmentation) keep theirs.
    static func mergeMetrics<T: Encodable>(_ sections: [String: T], into url: URL) throws {
        var merged: [String: Any] = [:]
        if let data = try? Data(contentsOf: url), let old = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            merged = old
        }
        for (key, value) in sections {
            merged[key] = try JSONSerialization.jsonObject(with: JSONFiles.encoded(value, pretty: false, nonFinite: true))
        }
        let out = try JSONSerialization.data(withJSONObject: merged, options: [.prettyPrinted, .sortedKeys])
        try ModelFolder.writeAtomically(out, to: url)
    }
}
