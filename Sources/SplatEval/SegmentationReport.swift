import Foundation

/// What metrics.json holds for segmentation: the lifted prediction scored the consistent way
/// (scene), the same prediction with per-view matching, and the input masks with per-view
/// matching. Comparing `prediction` with `inputMasks` shows the lifting gain; `predictionPerView`
/// against `inputMasks` compares like with like.
public struct SegmentationReport: Codable, Sendable, Equatable {
    public var prediction: SegmentationScores
    public var predictionPerView: SegmentationScores
    /// More predictions of the same views scored the scene way, when given: the grouped argmax of
    /// the rendered feature, next to ids rendered from the Gaussians' voted ids,
    public var featurePrediction: SegmentationScores?
    /// and the bare argmax over all codebook entries (METHOD.md §2) next to the grouped objects.
    public var ungroupedPrediction: SegmentationScores?
    public var inputMasks: SegmentationScores?

    /// Scores `predicted` (GT + lifted id maps), and when given `features` and `ungrouped` the same
    /// way and `masks` (GT + per-view input maps, read with `maskOptions`, by default 0 = no mask).
    public init(predicted: [SegmentationView], options: SegmentationOptions = SegmentationOptions(),
                features: [SegmentationView]? = nil, ungrouped: [SegmentationView]? = nil,
                masks: [SegmentationView]? = nil, maskOptions: SegmentationOptions = .inputMasks) throws {
        prediction = try SegmentationMetrics.scene(predicted, options: options)
        predictionPerView = try SegmentationMetrics.perView(predicted, options: options)
        featurePrediction = try features.map { try SegmentationMetrics.scene($0, options: options) }
        ungroupedPrediction = try ungrouped.map { try SegmentationMetrics.scene($0, options: options) }
        inputMasks = try masks.map { try SegmentationMetrics.perView($0, options: maskOptions) }
    }

    /// A few readable lines.
    public var summary: String {
        var lines = ["lifted prediction (scene matching): " + prediction.summary,
                     "lifted prediction (per-view matching): " + predictionPerView.summary]
        if let featurePrediction { lines.append("rendered-feature argmax, grouped (scene matching): " + featurePrediction.summary) }
        if let ungroupedPrediction { lines.append("bare argmax, ungrouped (scene matching): " + ungroupedPrediction.summary) }
        if let inputMasks { lines.append("input masks (per-view matching): " + inputMasks.summary) }
        return lines.joined(separator: "\n")
    }
}

extension SegmentationScores {
    /// One line: mIoU, F, precision, recall, mBIoU, PQ (SQ·RQ) and counts.
    public var summary: String {
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        return "mIoU \(f(meanIoU))  F@0.5 \(f(fScore)) (P \(f(precision)) R \(f(recall)))  mBIoU \(f(meanBoundaryIoU))  "
            + "PQ \(f(panoptic.pq)) (SQ \(f(panoptic.sq)) RQ \(f(panoptic.rq)))  "
            + "[\(groundTruthInstances) GT, \(predictedSegments) predicted, \(views) views]"
    }
}
