import Foundation
import SplatEval
import SplatIO
import SplatMath
import SplatRaster
import SplatTrain

/// The `segmentation` section of metrics.json: the lifted ids of the test views and the input
/// masks of the same views scored against ground-truth instances (METHOD.md §4.1-§4.3).
public struct SegmentationEvaluation: Codable, Sendable {
    public var iteration: Int
    public var split: ViewSplit
    /// Where the ground truth came from (folder).
    public var groundTruth: String
    /// The input masks folder scored next to the prediction.
    public var masks: String?
    public var views: [String]
    public var report: SegmentationReport

    /// Renders the ids of every `split` view that has ground truth and scores them; the input
    /// masks of those views are scored too when all of them have one. `groundTruthFolder` holds
    /// `<image stem>.png` instance maps (default: the scene's `gt_instance/`).
    public static func evaluate(_ segmented: SegmentedModel, split: ViewSplit, groundTruthFolder: URL?,
                                backend: RasterBackend) throws -> SegmentationEvaluation {
        let model = segmented.model
        let scene = model.scene
        let masksScene = try segmented.sceneWithTrainingMasks()
        var predicted = [SegmentationView](), features = [SegmentationView](), ungrouped = [SegmentationView]()
        var masks = [SegmentationView]()
        var names = [String]()
        var allMasks = true
        for index in split.indices(in: scene) {
            guard let truth = try groundTruth(scene, view: index, folder: groundTruthFolder,
                                              downscale: model.config.resolution) else { continue }
            let name = scene.views[index].name
            let (output, ids) = try segmented.render(view: index, backend: backend)
            guard truth.width == output.width, truth.height == output.height else {
                throw SplatError("ground truth is \(truth.width)x\(truth.height), the render \(output.width)x\(output.height)",
                                 path: name)
            }
            predicted.append(try SegmentationView(width: truth.width, height: truth.height, groundTruth: truth.labels,
                                                  prediction: ids, name: name))
            // The argmax rows need a codebook the features were trained against, and (grouped) a
            // table whose objects own entries: not so for HDBSCAN clusters or a contrastive-only run.
            if segmented.info.config.objective == .unifiedLift {
                if segmented.table.settings.candidates != .clusters {
                    features.append(try SegmentationView(width: truth.width, height: truth.height, groundTruth: truth.labels,
                                                         prediction: try segmented.featurePixelIDs(output), name: name))
                }
                ungrouped.append(try SegmentationView(width: truth.width, height: truth.height, groundTruth: truth.labels,
                                                      prediction: try segmented.barePixelIDs(output), name: name))
            }
            names.append(name)
            if allMasks, let mask = try masksScene.loadMask(index, downscale: model.config.resolution) {
                masks.append(try SegmentationView(width: truth.width, height: truth.height, groundTruth: truth.labels,
                                                  prediction: mask.labels, name: name))
            } else {
                allMasks = false
            }
        }
        let source = groundTruthFolder?.path ?? scene.root.appendingPathComponent("gt_instance").path
        guard !predicted.isEmpty else {
            throw SplatError("none of the \(split.rawValue) views has a ground-truth instance map", path: source)
        }
        let report = try SegmentationReport(predicted: predicted, features: features.isEmpty ? nil : features,
                                            ungrouped: ungrouped.isEmpty ? nil : ungrouped,
                                            masks: allMasks ? masks : nil)
        return SegmentationEvaluation(iteration: model.iteration, split: split, groundTruth: source,
                                      masks: allMasks ? masksScene.masksFolder?.path : nil, views: names, report: report)
    }

    /// View `index`'s GT at 1/`downscale`: `<folder>/<stem>.png` when a folder is given, else the
    /// scene's own; nil when the view has none.
    public static func groundTruth(_ scene: Scene, view index: Int, folder: URL?, downscale: Int) throws -> LabelMap? {
        guard let folder else { return try scene.loadGroundTruth(index, downscale: downscale) }
        let view = scene.views[index]
        let stem = URL(fileURLWithPath: view.name).deletingPathExtension().lastPathComponent
        let url = folder.appendingPathComponent(stem + ".png")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        var map = try ImageIO.readLabelMap(url)
        guard map.width == view.camera.width, map.height == view.camera.height else {
            throw SplatError("is \(map.width)x\(map.height) but the image is \(view.camera.width)x\(view.camera.height)",
                             path: url.path)
        }
        if let undistortion = view.undistortion { map.labels = undistortion.resampleNearest(map.labels) }
        return map.downscaled(by: max(1, downscale))
    }

    /// A short table: lifted (scene matching, per-view matching), the grouped feature argmax and
    /// the bare argmax (diagnostics), against the input masks.
    public var table: String {
        func pad(_ text: String) -> String { text.padding(toLength: 34, withPad: " ", startingAt: 0) }
        func row(_ name: String, _ s: SegmentationScores) -> String {
            pad(name) + String(format: " %7.4f %7.4f %7.4f %7.4f", s.meanIoU, s.fScore, s.panoptic.pq, s.meanBoundaryIoU)
        }
        var lines = [pad("\(views.count) \(split.rawValue) views") + "    mIoU   F@0.5      PQ   mBIoU",
                     row("lifted (scene matching)", report.prediction),
                     row("lifted (per-view matching)", report.predictionPerView)]
        if let features = report.featurePrediction { lines.append(row("feature argmax, grouped (scene)", features)) }
        if let ungrouped = report.ungroupedPrediction { lines.append(row("bare argmax (scene matching)", ungrouped)) }
        if let inputMasks = report.inputMasks { lines.append(row("input masks (per-view matching)", inputMasks)) }
        return lines.joined(separator: "\n")
    }
}
