import Foundation
import SplatIO
import SplatMath
import SplatTrain

/// The Unified-Lift feature objective (METHOD.md §1.3-§1.4): per step on one view it computes the
/// contrastive loss and norm regulariser on the rendered features, the confidence map, the
/// area-aware ID mapping and the association losses (on at most `codebookPixels` pixels of the
/// view, `CodebookPixelSample`), writes the weighted dL/dF
/// (w_contra·dL_contra + w_reg·dL_reg, plus the association terms when gradient blocking is off),
/// and steps the codebook's own Adam on w_class·dL_class/dC + w_concen·dL_concen/dC. With
/// `config.objective == .contrastive` it stops after the contrastive loss and the regulariser and
/// leaves the codebook as initialised (the post-processing baseline's training).
public final class LiftObjective: FeatureObjective {
    public let config: LiftConfig
    public var featureCount: Int { config.featureCount }
    /// The per-view label maps, compact.
    public let views: [SegmentLabels]
    /// The codebook and its optimiser.
    public private(set) var codebookModel: Codebook
    public private(set) var optimizer: CodebookAdam
    /// C, L×d row-major.
    public var codebook: [Float] { codebookModel.values }
    /// The codebook entry given to every label of the last stepped view (index = compact label).
    public private(set) var lastPseudoEntries: [Int] = []
    /// Worker threads of the per-pixel kernels (the trainer's `threads`: 1 = the calling thread,
    /// 0 = all cores); results do not depend on it.
    public var threads = 0
    /// Seconds per stage of the last `step`/`evaluate`.
    public private(set) var lastTimings = LiftTimings()

    private let pixelMajor = ScratchBuffer<Float>(fill: 0)
    private let normalized = ScratchBuffer<Float>(fill: 0)
    private let norms = ScratchBuffer<Float>(fill: 0)
    private let confidence = ScratchBuffer<Float>(fill: 0)
    private let keep = ScratchBuffer<UInt8>(fill: 0)
    private let partials = ScratchBuffer<Double>(fill: 0)
    private let contrastive = ContrastiveLoss()
    private let confidenceMap = ConfidenceMap()
    private let logitsPass = CodebookLogitsPass()
    /// The pixels the codebook branch read in the last step, when it drew a sample.
    private(set) var pixelSample = CodebookPixelSample()
    private let sampledPixelMajor = ScratchBuffer<Float>(fill: 0)
    private let sampledNormalized = ScratchBuffer<Float>(fill: 0)
    private let sampledNorms = ScratchBuffer<Float>(fill: 0)
    private var samples: [Int32] = []
    private var codebookGradient: [Float] = []

    /// Builds the objective for the training views' label maps (same order as the trainer's views).
    public init(config: LiftConfig, views: [SegmentLabels]) throws {
        try config.validate()
        self.config = config
        self.views = views
        codebookModel = Codebook(entryCount: config.codebookSize, featureCount: config.featureCount, seed: config.seed,
                                 scale: Float(config.codebookInitScale))
        optimizer = CodebookAdam(parameterCount: config.codebookSize * config.featureCount,
                                 learningRate: config.codebookLearningRate * Double(config.objectiveEvery), beta1: config.adamBeta1,
                                 beta2: config.adamBeta2, epsilon: config.adamEpsilon)
    }

    /// Builds the objective from the training views' label maps (`<scene>/object_mask`, in view order).
    public convenience init(config: LiftConfig, labelMaps: [LabelMap]) throws {
        var views = [SegmentLabels]()
        for (i, map) in labelMaps.enumerated() {
            do { views.append(try SegmentLabels(map)) } catch let error as SplatError {
                throw SplatError("label map of training view \(i): \(error.message)")
            }
        }
        try self.init(config: config, views: views)
    }

    /// Convenience: planar H·W Int32 label maps, all of one size.
    public convenience init(config: LiftConfig, labelMaps: [[Int32]], width: Int, height: Int) throws {
        try self.init(config: config, views: labelMaps.map { try SegmentLabels(width: width, height: height, labels: $0) })
    }

    public func step(iteration: Int, viewIndex: Int, features: [Float], width: Int, height: Int,
                     featureGradient: inout [Float]) throws -> [String: Double] {
        let terms = try evaluate(iteration: iteration, viewIndex: viewIndex, features: features, width: width,
                                 height: height, featureGradient: &featureGradient)
        guard config.objective == .unifiedLift else { return terms }
        var clock = Stopwatch()
        optimizer.step(&codebookModel.values, gradient: codebookGradient)
        lastTimings.codebookStep = clock.lap()
        return terms
    }

    /// Replaces the codebook (for example with one restored from a model folder); keeps the optimiser.
    public func setCodebook(_ codebook: Codebook) throws {
        guard codebook.entryCount == config.codebookSize, codebook.featureCount == config.featureCount else {
            throw SplatError("codebook is \(codebook.entryCount)x\(codebook.featureCount), the objective needs \(config.codebookSize)x\(config.featureCount)")
        }
        codebookModel = codebook
    }

    /// Replaces the codebook and its optimiser state (checkpoint restore).
    func restore(codebook: Codebook, optimizer adam: CodebookAdam) throws {
        try setCodebook(codebook)
        optimizer = adam
    }

    /// The weighted codebook gradient of the last `evaluate`/`step` (L×d row-major).
    var lastCodebookGradient: [Float] { codebookGradient }

    /// Everything `step` does except the codebook update.
    func evaluate(iteration: Int, viewIndex: Int, features: [Float], width: Int, height: Int,
                  featureGradient: inout [Float]) throws -> [String: Double] {
        guard views.indices.contains(viewIndex) else {
            throw SplatError("lift objective: view index \(viewIndex) out of range 0..<\(views.count)")
        }
        let view = views[viewIndex]
        guard view.width == width, view.height == height else {
            throw SplatError("lift objective: view \(viewIndex) renders \(width)x\(height) but its label map is \(view.width)x\(view.height)")
        }
        let d = config.featureCount, n = width * height
        guard features.count == d * n else {
            throw SplatError("lift objective: feature map holds \(features.count) values, \(d)x\(width)x\(height) expected")
        }
        if featureGradient.count != d * n {
            featureGradient = [Float](repeating: 0, count: d * n)
        } else {
            featureGradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        var rng = SplatRandom(seed: config.seed ^ (UInt64(truncatingIfNeeded: iteration) &* 0x9E37_79B9_7F4A_7C15))
        ContrastiveLoss.drawSamples(&samples, count: config.sampleCount, pixelCount: n, rng: &rng)

        let weights = config.weights
        let raw = pixelMajor.reserve(n * d), hat = normalized.reserve(n * d), norm = norms.reserve(n)
        var terms: [String: Double] = [:]
        var association = AssociationLoss.Result()
        var timings = LiftTimings(), clock = Stopwatch()
        features.withUnsafeBufferPointer { fBuffer in
            featureGradient.withUnsafeMutableBufferPointer { gBuffer in
                view.index.withUnsafeBufferPointer { labelBuffer in
                    samples.withUnsafeBufferPointer { sampleBuffer in
                        guard let f = fBuffer.baseAddress, let g = gBuffer.baseAddress,
                              let labels = labelBuffer.baseAddress else { return }
                        FeatureNormalization.normalize(features: f, pixelCount: n, featureCount: d,
                                                       pixelMajor: raw, normalized: hat, norms: norm, threads: threads)
                        terms["norm"] = NormRegularizer.evaluate(
                            features: f, norms: norm, pixelCount: n, featureCount: d,
                            gradientScale: Float(weights.norm), gradient: g, partials: partials, threads: threads)
                        timings.normalization = clock.lap()
                        terms["contrastive"] = contrastive.evaluate(
                            normalized: hat, norms: norm, pixelCount: n, featureCount: d, labels: labels,
                            labelCount: view.labelCount, samples: sampleBuffer,
                            minSegmentSamples: config.minSegmentSamples,
                            wholeSegmentsFrom: config.wholeMaskMinimum.map { ($0, view.areas) }, normGradient: config.normGradient,
                            gradientScale: Float(weights.contrastive), gradient: g, threads: threads)
                        timings.contrastive = clock.lap()
                        guard config.objective == .unifiedLift else { return }
                        var branch: CodebookBranch
                        if config.gradientBlocking && config.codebookPixels > 0 && n > config.codebookPixels {
                            pixelSample.draw(from: view, count: config.codebookPixels, rng: &rng)
                            let m = pixelSample.pixelCount
                            let sampleRaw = sampledPixelMajor.reserve(m * d), sampleHat = sampledNormalized.reserve(m * d)
                            let sampleNorm = sampledNorms.reserve(m)
                            pixelSample.gather(raw, width: d, into: sampleRaw)
                            pixelSample.gather(hat, width: d, into: sampleHat)
                            pixelSample.gather(norm, width: 1, into: sampleNorm)
                            branch = pixelSample.labels.withUnsafeBufferPointer { sampleLabels in
                                runCodebookBranch(CodebookBranchInputs(
                                    raw: sampleRaw, hat: sampleHat, norms: sampleNorm, pixelCount: m, featureCount: d,
                                    labels: sampleLabels.baseAddress!, labelCount: pixelSample.labelCount,
                                    areas: pixelSample.areas), featureGradient: g, timings: &timings, clock: &clock)
                            }
                            branch.association.pseudoEntries = pixelSample.viewEntries(
                                branch.association.pseudoEntries, viewLabelCount: view.labelCount)
                        } else {
                            branch = runCodebookBranch(CodebookBranchInputs(
                                raw: raw, hat: hat, norms: norm, pixelCount: n, featureCount: d, labels: labels,
                                labelCount: view.labelCount, areas: view.areas),
                                featureGradient: g, timings: &timings, clock: &clock)
                        }
                        terms["confident_fraction"] = branch.confidentFraction
                        association = branch.association
                    }
                }
            }
        }
        terms["class"] = association.classification
        terms["concentration"] = association.concentration
        lastPseudoEntries = association.pseudoEntries
        lastTimings = timings
        return terms
    }

    /// The pixels the codebook branch reads: the whole view, or `pixelSample`'s gathered rows.
    private struct CodebookBranchInputs {
        var raw, hat, norms: UnsafeMutablePointer<Float>
        var pixelCount, featureCount: Int
        var labels: UnsafePointer<UInt16>
        var labelCount: Int
        var areas: [Int]
    }

    private struct CodebookBranch {
        var association: AssociationLoss.Result
        var confidentFraction: Double
    }

    /// METHOD.md §1.3(b)-(c) on `x`: the confidence map (or Ω = every pixel), the logits of all L
    /// entries, the ID mapping and the association losses, which write the codebook gradient (and,
    /// without gradient blocking, add to `featureGradient`, whose pixels are then the view's).
    private func runCodebookBranch(_ x: CodebookBranchInputs, featureGradient g: UnsafeMutablePointer<Float>,
                                   timings: inout LiftTimings, clock: inout Stopwatch) -> CodebookBranch {
        let n = x.pixelCount, d = x.featureCount, entries = config.codebookSize
        let conf = confidence.reserve(n), omega = keep.reserve(n)
        let kept: Int
        if config.filtering {
            kept = confidenceMap.compute(normalized: x.hat, pixelCount: n, featureCount: d, labels: x.labels,
                                         labelCount: x.labelCount, threshold: config.confidenceThreshold,
                                         confidence: conf, keep: omega, threads: threads)
        } else {
            omega.update(repeating: 1, count: n)
            kept = n
        }
        timings.confidence = clock.lap()
        logitsPass.run(features: x.raw, pixelCount: n, featureCount: d, codebook: codebookModel.values,
                       entries: entries, labels: x.labels, rows: min(x.labelCount, entries), keep: omega,
                       wantExpectation: !config.gradientBlocking, threads: threads)
        timings.logits = clock.lap()
        let inputs = AssociationLoss.Inputs(
            features: x.raw, normalized: x.hat, norms: x.norms, pixelCount: n, featureCount: d, labels: x.labels,
            labelCount: x.labelCount, areas: x.areas, keep: omega, keptCount: kept)
        let association = AssociationLoss.evaluate(
            inputs, pass: logitsPass, codebook: codebookModel.values, entries: entries,
            mapping: config.mapping, classWeight: config.weights.classification,
            concentrationWeight: config.weights.concentration, gradientBlocking: config.gradientBlocking,
            featureGradient: g, codebookGradient: &codebookGradient)
        timings.association = clock.lap()
        return CodebookBranch(association: association, confidentFraction: Double(kept) / Double(n))
    }

    /// Writes the codebook and its Adam state to `url` (normally `<model>/codebook.json`), atomically.
    public func saveCodebook(to url: URL) throws {
        try codebookModel.save(to: url, optimizer: optimizer)
    }

    /// Restores a codebook (and its Adam state, when the file has one) written by `saveCodebook`.
    public func loadCodebook(from url: URL) throws {
        let (loaded, adam) = try Codebook.loadWithOptimizer(from: url)
        guard loaded.entryCount == config.codebookSize, loaded.featureCount == config.featureCount else {
            throw SplatError("codebook is \(loaded.entryCount)x\(loaded.featureCount), the objective needs \(config.codebookSize)x\(config.featureCount)", path: url.path)
        }
        codebookModel = loaded
        if let adam { optimizer = adam }
    }
}
