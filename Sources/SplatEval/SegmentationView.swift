import SplatMath

/// One test view for segmentation scoring: a predicted id map and a ground-truth instance map of
/// the same size, row-major `width`×`height` (`SplatIO.LabelMap.labels` fits as is).
public struct SegmentationView: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var groundTruth: [Int32]
    public var prediction: [Int32]
    /// A name for error messages (e.g. the frame's file name).
    public var name: String

    /// Throws when the two maps do not both hold `width`×`height` labels.
    public init(width: Int, height: Int, groundTruth: [Int32], prediction: [Int32], name: String = "view") throws {
        guard width > 0, height > 0 else {
            throw SplatError("label map size \(width)x\(height) is empty", path: name)
        }
        guard groundTruth.count == width * height else {
            throw SplatError("ground truth has \(groundTruth.count) labels, expected \(width)x\(height)", path: name)
        }
        guard prediction.count == width * height else {
            throw SplatError("prediction has \(prediction.count) labels, expected \(width)x\(height) like the ground truth", path: name)
        }
        self.width = width; self.height = height
        self.groundTruth = groundTruth; self.prediction = prediction
        self.name = name
    }
}

/// How labels are read. Defaults fit a Unified-Lift argmax id map against a GT instance map.
public struct SegmentationOptions: Sendable, Equatable {
    /// Ground-truth label meaning void / ignore (its pixels are left out of every score), or nil.
    public var groundTruthVoid: Int32?
    /// Predicted label meaning "no segment" (0 in SAM label maps), or nil when every id is a segment.
    public var predictionVoid: Int32?
    /// Optional GT id → semantic category for PQ (METHOD.md §4.2). nil: every GT instance is a thing
    /// of one category. GT ids missing from the map count as void.
    public var semantics: [Int32: Int32]?
    /// Categories that are "stuff": their instance ids are merged into one segment per category.
    public var stuffCategories: Set<Int32>
    /// Optional predicted id → category. nil with `semantics` set: each predicted id takes the
    /// category most of its non-void GT pixels have (an oracle for methods without a semantic head).
    public var predictionSemantics: [Int32: Int32]?
    /// PQ drops a category when both its GT and its predicted pixels are under this share of all
    /// pixels (`robust = 0.005`, METHOD.md §4.2).
    public var robustFraction: Double

    public init(groundTruthVoid: Int32? = 0, predictionVoid: Int32? = nil,
                semantics: [Int32: Int32]? = nil, stuffCategories: Set<Int32> = [],
                predictionSemantics: [Int32: Int32]? = nil, robustFraction: Double = 0.005) {
        self.groundTruthVoid = groundTruthVoid
        self.predictionVoid = predictionVoid
        self.semantics = semantics
        self.stuffCategories = stuffCategories
        self.predictionSemantics = predictionSemantics
        self.robustFraction = robustFraction
    }

    /// Options for scoring per-view SAM label maps (0 = no mask).
    public static var inputMasks: SegmentationOptions { SegmentationOptions(predictionVoid: 0) }
}
