import SplatMath

/// How the cost of giving 2D label l the codebook entry k is built (METHOD.md §1.3(c).2).
public enum IDMappingCost: String, Codable, Sendable, CaseIterable {
    /// Unified-Lift's area-aware cost K[l,k] = −Σ_{u∈l} P_u[k]: large segments dominate.
    case area
    /// Panoptic Lifting's cost, the same sum divided by (area + 1e-4).
    case mean
}

/// How the contrastive loss differentiates the normalised feature f̂ = F/(‖F‖ + 1e-6).
public enum NormGradient: String, Codable, Sendable, CaseIterable {
    /// ‖F‖ held constant, as Unified-Lift's code does (METHOD.md §1.3(a).2; the default). The
    /// gradient then has a radial part that lengthens F far past the regulariser's 1 (per-Gaussian
    /// norms of 20-50 after 3000 steps), which both sharpens softmax(C·F) and makes Adam's fixed
    /// steps turn the features ever more slowly.
    case detached
    /// Through the norm too: the gradient is tangent to the sphere and leaves ‖F‖ to the regulariser.
    case exact
}

/// Which losses train the identity features (METHOD.md §1.3-§1.4).
public enum LiftObjectiveKind: String, Codable, Sendable, CaseIterable {
    /// Unified-Lift: contrastive loss and norm regulariser on the features, plus the object
    /// codebook learned end to end (ID mapping, association losses, noisy-label filtering).
    case unifiedLift = "unified-lift"
    /// The post-processing baseline's training (OmniSeg3D-GS, Contrastive Lift): the contrastive
    /// loss and norm regulariser only; no codebook is learned, and the objects come afterwards from
    /// clustering the features (`splatlift cluster`).
    case contrastive
}

/// Weights of the feature terms in L = L_rgb + w·(…) (METHOD.md §1.4, [CODE] values).
public struct LiftWeights: Codable, Sendable, Equatable {
    public var contrastive: Double = 1e-6
    public var norm: Double = 1e-6
    public var classification: Double = 1e-4
    public var concentration: Double = 1.0

    public init(contrastive: Double = 1e-6, norm: Double = 1e-6, classification: Double = 1e-4,
                concentration: Double = 1.0) {
        self.contrastive = contrastive; self.norm = norm
        self.classification = classification; self.concentration = concentration
    }
}

/// Every setting of the Unified-Lift objective; the defaults are the released code's (METHOD.md §1.3-§1.4).
public struct LiftConfig: Codable, Sendable, Equatable {
    public var objective: LiftObjectiveKind = .unifiedLift
    /// L, the number of codebook entries (maximum number of objects).
    public var codebookSize: Int = 256
    /// d, the channels of the identity feature.
    public var featureCount: Int = 16
    public var mapping: IDMappingCost = .area
    /// Uncertainty threshold τ: a pixel is kept when its confidence exceeds 1 − τ (METHOD.md §1.3(b).4).
    public var tau: Double = 0.8
    /// Noisy-label filtering; when off every pixel is confident (Ω = all pixels).
    public var filtering: Bool = true
    /// Gradient blocking ([SUPP] §A); when off the association losses also reach the features.
    public var gradientBlocking: Bool = true
    /// B, pixels drawn with replacement for the contrastive loss.
    public var sampleCount: Int = 32_768
    /// Segments need strictly more samples than this to enter the contrastive loss.
    public var minSegmentSamples: Int = 20
    public var normGradient: NormGradient = .detached
    /// SplatLift's option: on a view of more pixels than this, the confidence map, the ID mapping
    /// and the association losses read this many of its pixels, drawn uniformly without replacement
    /// at each step; 0 reads every pixel (the released code). Only with gradient blocking, where
    /// that branch trains the codebook alone (docs/PERFORMANCE.md "What joint training adds").
    public var codebookPixels: Int = 16_384
    /// SplatLift's option: the objective (the feature channels' render and backward, the
    /// contrastive loss, the codebook branch) runs on every N-th training step; the steps between
    /// train RGB alone and leave the features and the codebook as they are, and both learning rates
    /// are multiplied by N so they can move as far over a run. With gradient blocking
    /// the geometry, and so the default object ids, do not depend on N (docs/PERFORMANCE.md "What
    /// joint training adds"). 1 = every step, the released code.
    public var objectiveEvery: Int = 4
    /// SplatLift's option: a mask drawn at most `minSegmentSamples` times but with at least this many
    /// pixels enters the contrastive loss with all of its pixels (each drawn once), so objects of a
    /// few dozen pixels per view always take part instead of about half the time (or never). nil:
    /// the released rule (docs/SEGMENTATION.md "Small objects in the contrastive loss").
    public var wholeMaskMinimum: Int? = nil
    /// SplatLift's option: the codebook starts at this multiple of the released initialisation
    /// (uniform in ±1/√d, entries of norm ≈ 0.58, while trained entries reach norm ≈ 1). An entry
    /// the ID mapping never assigns keeps its start, and where a rendered feature points away from
    /// every trained entry (boundaries, blends) a full-size random entry wins the argmax: stray ids
    /// of a few pixels (docs/SEGMENTATION.md "The bare argmax"). 1 = the released code.
    public var codebookInitScale: Double = 1
    public var weights = LiftWeights()
    /// The codebook's own Adam.
    public var codebookLearningRate: Double = 5e-4
    public var adamBeta1: Double = 0.9
    public var adamBeta2: Double = 0.999
    public var adamEpsilon: Double = 1e-8
    /// Seeds the codebook initialisation and the per-iteration pixel sampling.
    public var seed: UInt64 = 0

    public init() {}

    // Keys missing from an older lift.json keep their defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LiftConfig()
        objective = try c.decodeIfPresent(LiftObjectiveKind.self, forKey: .objective) ?? d.objective
        codebookSize = try c.decodeIfPresent(Int.self, forKey: .codebookSize) ?? d.codebookSize
        featureCount = try c.decodeIfPresent(Int.self, forKey: .featureCount) ?? d.featureCount
        mapping = try c.decodeIfPresent(IDMappingCost.self, forKey: .mapping) ?? d.mapping
        tau = try c.decodeIfPresent(Double.self, forKey: .tau) ?? d.tau
        filtering = try c.decodeIfPresent(Bool.self, forKey: .filtering) ?? d.filtering
        gradientBlocking = try c.decodeIfPresent(Bool.self, forKey: .gradientBlocking) ?? d.gradientBlocking
        sampleCount = try c.decodeIfPresent(Int.self, forKey: .sampleCount) ?? d.sampleCount
        minSegmentSamples = try c.decodeIfPresent(Int.self, forKey: .minSegmentSamples) ?? d.minSegmentSamples
        normGradient = try c.decodeIfPresent(NormGradient.self, forKey: .normGradient) ?? .detached
        // A lift.json from before the option read every pixel; a resumed run keeps doing so.
        codebookPixels = try c.decodeIfPresent(Int.self, forKey: .codebookPixels) ?? 0
        // A lift.json from before the option ran the objective on every step.
        objectiveEvery = try c.decodeIfPresent(Int.self, forKey: .objectiveEvery) ?? 1
        wholeMaskMinimum = try c.decodeIfPresent(Int.self, forKey: .wholeMaskMinimum) ?? d.wholeMaskMinimum
        weights = try c.decodeIfPresent(LiftWeights.self, forKey: .weights) ?? d.weights
        codebookInitScale = try c.decodeIfPresent(Double.self, forKey: .codebookInitScale) ?? d.codebookInitScale
        codebookLearningRate = try c.decodeIfPresent(Double.self, forKey: .codebookLearningRate) ?? d.codebookLearningRate
        adamBeta1 = try c.decodeIfPresent(Double.self, forKey: .adamBeta1) ?? d.adamBeta1
        adamBeta2 = try c.decodeIfPresent(Double.self, forKey: .adamBeta2) ?? d.adamBeta2
        adamEpsilon = try c.decodeIfPresent(Double.self, forKey: .adamEpsilon) ?? d.adamEpsilon
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }

    /// The confidence a pixel must exceed to be kept: 1 − τ (0.2 for τ = 0.8).
    public var confidenceThreshold: Float { Float(1 - tau) }

    /// Throws when a setting is out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw SplatError("lift config: \(message)") }
        }
        try check(codebookSize >= 1 && codebookSize <= 65_535, "codebookSize must be in 1...65535, got \(codebookSize)")
        try check(featureCount >= 1 && featureCount <= 256, "featureCount must be in 1...256, got \(featureCount)")
        try check(tau > 0 && tau < 1, "tau must be in (0, 1), got \(tau)")
        try check(codebookInitScale >= 0 && codebookInitScale.isFinite, "codebookInitScale must be ≥ 0, got \(codebookInitScale)")
        try check(sampleCount >= 1, "sampleCount must be positive, got \(sampleCount)")
        try check(codebookPixels >= 0, "codebookPixels must be ≥ 0 (0: every pixel), got \(codebookPixels)")
        try check(objectiveEvery >= 1, "objectiveEvery must be ≥ 1 (1: every step), got \(objectiveEvery)")
        try check(minSegmentSamples >= 0, "minSegmentSamples must be ≥ 0, got \(minSegmentSamples)")
        try check((wholeMaskMinimum ?? 1) >= 1, "wholeMaskMinimum must be ≥ 1 pixel, got \(wholeMaskMinimum ?? 0)")
        try check(codebookLearningRate >= 0 && codebookLearningRate.isFinite, "codebookLearningRate must be ≥ 0")
        try check(adamBeta1 >= 0 && adamBeta1 < 1 && adamBeta2 >= 0 && adamBeta2 < 1, "Adam betas must be in [0, 1)")
        try check(adamEpsilon > 0, "adamEpsilon must be positive")
    }
}
