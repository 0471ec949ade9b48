import Foundation
import SplatMath
import SplatRaster

/// Everything that determines how training continues: with the config and the training views,
/// this reproduces the rest of a run bit for bit (it is what a checkpoint stores).
public struct TrainState: Sendable, Equatable {
    /// Iterations completed (3DGS counts from 1; the next step is `iteration + 1`).
    public var iteration: Int
    public var gaussians: GaussianParams
    public var adam: AdamState
    public var stats: DensificationStats
    public var rng: SplatRandom
    /// Training-view indices not yet used in the current epoch (3DGS `viewpoint_stack`).
    public var viewStack: [Int]
    /// Scene extent E (scales the position learning rate and the densification limits).
    public var sceneExtent: Double

    public init(iteration: Int, gaussians: GaussianParams, adam: AdamState, stats: DensificationStats,
                rng: SplatRandom, viewStack: [Int], sceneExtent: Double) {
        self.iteration = iteration; self.gaussians = gaussians; self.adam = adam; self.stats = stats
        self.rng = rng; self.viewStack = viewStack; self.sceneExtent = sceneExtent
    }

    /// The state before iteration 1: Gaussians from `points` (3·P) and `config.distantPoints` more
    /// for the far background, or from random points in the camera cube when there are none;
    /// colours from the images when `pointColors` is nil or all 0.
    public static func initial(config: TrainConfig, views: [TrainingView], points: [Float], pointColors: [Float]?,
                               sceneExtent: Double? = nil, featureCount: Int) -> TrainState {
        var rng = SplatRandom(seed: config.seed)
        let cameras = views.map(\.camera)
        let extent = sceneExtent ?? GaussianInitializer.sceneExtent(cameras: cameras)
        var seedPoints = points, colors = pointColors ?? []
        var composited: [[Float]]?
        func images() -> [[Float]] {
            if composited == nil { composited = views.map { $0.composited(over: config.displayBackground) } }
            return composited!
        }
        if seedPoints.isEmpty {
            let cube = GaussianInitializer.randomInitCube(cameras: cameras)
            (seedPoints, colors) = GaussianInitializer.randomPoints(count: config.randomInitPoints, center: cube.center,
                                                                     halfExtent: cube.halfExtent, rng: &rng)
        } else {
            if colors.count != seedPoints.count || !colors.contains(where: { $0 != 0 }) {
                colors = GaussianInitializer.colorsFromImages(points: seedPoints, cameras: cameras, images: images())
            }
            if config.distantPoints > 0 {
                let center = GaussianInitializer.cameraCentroidAndRadius(cameras).center
                let shell = GaussianInitializer.distantShell(
                    count: config.distantPoints, center: center, innerRadius: config.distantRadii[0] * extent,
                    outerRadius: config.distantRadii[1] * extent, rng: &rng)
                seedPoints += shell
                colors += GaussianInitializer.colorsFromImages(points: shell, cameras: cameras, images: images())
            }
        }
        let gaussians = GaussianInitializer.fromPoints(seedPoints, colors: colors, config: config,
                                                       featureCount: featureCount, rng: &rng)
        let adam = AdamState(for: gaussians, beta1: config.adamBeta1, beta2: config.adamBeta2, epsilon: config.adamEpsilon)
        return TrainState(iteration: 0, gaussians: gaussians, adam: adam, stats: DensificationStats(count: gaussians.count),
                          rng: rng, viewStack: [], sceneExtent: extent)
    }
}

/// Seconds spent per stage of a step. `raster` splits `render` and `backward` further when the
/// backend is the CPU rasterizer (its stage times, in milliseconds).
public struct StageTimings: Sendable, Equatable {
    public var render = 0.0, loss = 0.0, objective = 0.0, backward = 0.0, densify = 0.0, optimizer = 0.0
    public var raster = RasterTimings()
    public var total: Double { render + loss + objective + backward + densify + optimizer }

    public init() {}

    public static func += (a: inout StageTimings, b: StageTimings) {
        a.render += b.render; a.loss += b.loss; a.objective += b.objective
        a.backward += b.backward; a.densify += b.densify; a.optimizer += b.optimizer
        a.raster.project += b.raster.project; a.raster.bin += b.raster.bin; a.raster.forward += b.raster.forward
        a.raster.backwardRaster += b.raster.backwardRaster; a.raster.backwardProject += b.raster.backwardProject
    }

    /// These timings divided by `count` steps.
    public func mean(over count: Int) -> StageTimings {
        let n = Double(max(count, 1))
        var t = self
        t.render /= n; t.loss /= n; t.objective /= n; t.backward /= n; t.densify /= n; t.optimizer /= n
        t.raster.project /= n; t.raster.bin /= n; t.raster.forward /= n
        t.raster.backwardRaster /= n; t.raster.backwardProject /= n
        return t
    }

    /// One line of milliseconds per stage.
    public var summary: String {
        String(format: "render %.1f ms (project %.1f, bin %.1f, forward %.1f), loss %.1f ms, objective %.1f ms, "
               + "backward %.1f ms (tiles %.1f, per Gaussian %.1f), densify %.1f ms, optimizer %.1f ms; total %.1f ms",
               render * 1e3, raster.project, raster.bin, raster.forward, loss * 1e3, objective * 1e3,
               backward * 1e3, raster.backwardRaster, raster.backwardProject, densify * 1e3, optimizer * 1e3, total * 1e3)
    }
}

/// Thread time of one block of the gradient pass per stage (seconds), and whether its update stayed finite.
private struct BlockWork {
    var gradients = 0.0, statistics = 0.0, optimizer = 0.0
    var finite = true
}

private extension StageTimings {
    /// Adds the wall time of a block-wise gradient pass, split between backward, densify
    /// (statistics) and optimizer in proportion to the thread time each took.
    mutating func addGradientPass(wall: Double, _ blocks: [BlockWork]) {
        let gradients = blocks.reduce(0) { $0 + $1.gradients }, statistics = blocks.reduce(0) { $0 + $1.statistics }
        let optimizer = blocks.reduce(0) { $0 + $1.optimizer }
        let total = gradients + statistics + optimizer
        guard total > 0 else { backward += wall; return }
        backward += wall * gradients / total
        densify += wall * statistics / total
        self.optimizer += wall * optimizer / total
    }
}

/// What one iteration did.
public struct StepReport: Sendable {
    public var iteration: Int
    public var viewIndex: Int
    public var loss: PhotometricLoss.Value
    /// PSNR of this step's render against its (composited) training photo.
    public var psnr: Double
    public var gaussians: Int
    public var objectiveTerms: [String: Double]
    public var densify: DensifyReport?
    public var opacityReset: Bool
    public var timings: StageTimings
}

/// Training stopped because the loss or a parameter became NaN or infinite.
public struct TrainingDivergedError: Error, CustomStringConvertible, Sendable {
    public var iteration: Int
    public var what: String
    public var description: String { "training diverged at iteration \(iteration): \(what)" }
}

/// The 3DGS training loop (METHOD.md §1.3-1.4, §5), one `step()` per iteration, with an optional
/// `FeatureObjective` on the rendered identity features.
public final class Trainer {
    public let config: TrainConfig
    public let views: [TrainingView]
    public var state: TrainState { current }
    /// Stored separately so `step` can take it out (see there).
    private var current: TrainState
    public let objective: FeatureObjective?
    private let backend: RasterBackend
    private var loss: PhotometricLoss
    /// Gaussians per block of the gradient pass (see `step`).
    static let gradientBlockRows = 1024
    /// The photo over the step's background, for photos with alpha (others are their own target).
    private var composited: [Float] = []
    private var colorUpstream: [Float] = []
    private var featureUpstream: [Float] = []

    /// `state` comes from `TrainState.initial` or a checkpoint. With an objective, the Gaussians
    /// must carry `objective.featureCount` features.
    public init(config: TrainConfig, views: [TrainingView], state: TrainState, backend: RasterBackend,
                objective: FeatureObjective? = nil) throws {
        try config.validate()
        guard !views.isEmpty else { throw SplatError("the scene has no training views") }
        let expectedFeatures = objective?.featureCount ?? 0
        guard state.gaussians.featureCount == expectedFeatures else {
            throw SplatError("the Gaussians carry \(state.gaussians.featureCount) feature channels, the objective expects \(expectedFeatures)")
        }
        guard state.viewStack.allSatisfy({ $0 >= 0 && $0 < views.count }) else {
            throw SplatError("the training state refers to views that the scene does not have")
        }
        self.config = config
        self.views = views
        self.current = state
        self.objective = objective
        self.backend = backend
        self.loss = PhotometricLoss(lambdaDSSIM: config.lambdaDSSIM, threads: config.threads)
    }

    private static let placeholder = TrainState(iteration: 0, gaussians: GaussianParams(count: 0),
                                                adam: AdamState(for: GaussianParams(count: 0)),
                                                stats: DensificationStats(count: 0), rng: SplatRandom(seed: 0),
                                                viewStack: [], sceneExtent: 1)

    /// True once `config.iterations` steps are done.
    public var isFinished: Bool { state.iteration >= config.iterations }

    /// The SH degree in use at `iteration` (one more band every `shDegreeInterval`).
    public func activeSHDegree(at iteration: Int) -> Int {
        min(config.maxSHDegree, iteration / config.shDegreeInterval)
    }

    /// The objective's `stepInterval` (at least 1; 1 without an objective).
    private var objectiveInterval: Int { max(objective?.stepInterval ?? 1, 1) }

    /// Whether the feature objective runs at `iteration` (every `stepInterval`-th step).
    public func runsObjective(at iteration: Int) -> Bool {
        objective != nil && iteration % objectiveInterval == 0
    }

    /// The render options for a view at `iteration` with `background`.
    public func renderOptions(iteration: Int, background: SIMD3<Float>) -> RenderOptions {
        var options = RenderOptions()
        options.background = background
        options.activeSHDegree = activeSHDegree(at: iteration)
        options.renderFeatures = runsObjective(at: iteration)
        options.featureGradientsReachGeometry = objective?.featureGradientsReachGeometry ?? false
        options.threads = config.threads
        return options
    }

    /// Runs iteration `state.iteration + 1`, updating `state` in place (no copy of the parameters).
    /// Throws `TrainingDivergedError` when the loss or the updated parameters are not finite; the
    /// trainer must not be stepped again after an error (the last checkpoint is the good state).
    @discardableResult
    public func step() throws -> StepReport {
        // Work on a local value that uniquely owns the arrays: no copy-on-write copies, and no
        // overlapping inout accesses to a class property (Swift's exclusivity rule).
        var state = current
        current = Self.placeholder
        defer { current = state }
        let iteration = state.iteration + 1
        var timings = StageTimings()
        var clock = Stopwatch()
        func lap() -> Double { clock.lap() }

        // View without replacement within an epoch; background.
        if state.viewStack.isEmpty { state.viewStack = Array(0..<views.count) }
        let viewIndex = state.viewStack.remove(at: state.rng.int(below: state.viewStack.count))
        let view = views[viewIndex]
        let background: SIMD3<Float>
        switch config.background {
        case .black: background = .zero
        case .white: background = SIMD3(1, 1, 1)
        case .random: background = SIMD3(state.rng.uniformFloat(), state.rng.uniformFloat(), state.rng.uniformFloat())
        }
        if view.alpha != nil { view.composite(over: background, into: &composited) }
        let target = view.alpha == nil ? view.image : composited

        let output = backend.render(state.gaussians, camera: view.camera,
                                    options: renderOptions(iteration: iteration, background: background))
        timings.render = lap()
        let (width, height) = (view.camera.width, view.camera.height)
        let value = loss.evaluate(rendered: output.color, target: target, width: width, height: height,
                                  gradient: &colorUpstream)
        timings.loss = lap()
        guard value.total.isFinite else {
            throw TrainingDivergedError(iteration: iteration, what: "the loss is \(value.total) (L1 \(value.l1), SSIM \(value.ssim))")
        }

        var terms: [String: Double] = [:]
        var upstream = RenderUpstream(color: colorUpstream)
        let objectiveRuns = runsObjective(at: iteration)
        if let objective, objectiveRuns {
            let size = objective.featureCount * width * height
            if featureUpstream.count != size { featureUpstream = [Float](repeating: 0, count: size) }
            else { for i in 0..<size { featureUpstream[i] = 0 } }
            terms = try objective.step(iteration: iteration, viewIndex: viewIndex, features: output.features,
                                       width: width, height: height, featureGradient: &featureUpstream)
            if let bad = terms.first(where: { !$0.value.isFinite }) {
                throw TrainingDivergedError(iteration: iteration, what: "the feature objective's \(bad.key) is \(bad.value)")
            }
            upstream.features = featureUpstream
            timings.objective = lap()
        }

        backend.backward(state.gaussians, upstream: upstream)
        timings.backward = lap()

        // Densification statistics and edits (before the optimiser step, as in 3DGS), not on the
        // last iteration: no later step would recover from an edit or a reset. No optimiser step
        // on the last iteration (as in 3DGS), nor right after densification, whose gradients
        // belong to the Gaussians before the edit (every tensor was replaced, so PyTorch's Adam
        // has no gradients).
        let accumulate = iteration < config.densifyUntilIteration && iteration < config.iterations
        let densify = accumulate && iteration > config.densifyFromIteration
            && iteration % config.densificationInterval == 0
        let resetOpacity = accumulate && (iteration % config.opacityResetInterval == 0
            || (config.background == .white && iteration == config.densifyFromIteration))
        let optimize = iteration < config.iterations && !densify
        // The opacity reset replaces that tensor, so Adam skips the group this iteration; the
        // features have no gradient on a step without the objective, and keep their moments.
        var skipping: Set<ParameterGroup> = resetOpacity ? [.opacity] : []
        if !objectiveRuns { skipping.insert(.features) }
        var rates = GroupLearningRates(config: config, sceneExtent: state.sceneExtent, iteration: iteration)
        rates.features *= Double(objectiveInterval)
        let adamStep = optimize ? state.adam.beginStep(state.gaussians, rates: rates, skipping: skipping) : nil
        if (accumulate || optimize) && state.gaussians.count > 0 {
            let blocks = updateByBlocks(&state, radii: output.radii, accumulate: accumulate, adamStep: adamStep)
            timings.addGradientPass(wall: lap(), blocks)
            guard blocks.allSatisfy(\.finite) else {
                throw TrainingDivergedError(iteration: iteration, what: "a Gaussian parameter became NaN or infinite after the optimiser step")
            }
        }
        if let cpu = backend as? CPURasterizer { timings.raster = cpu.lastTimings }

        var densifyReport: DensifyReport?
        if densify {
            densifyReport = Densifier.densifyAndPrune(&state.gaussians, adam: &state.adam, stats: &state.stats,
                                                      config: config, sceneExtent: state.sceneExtent,
                                                      pruneLarge: iteration > config.opacityResetInterval,
                                                      rng: &state.rng)
        }
        if resetOpacity {
            Densifier.resetOpacity(&state.gaussians, adam: &state.adam, value: config.opacityResetValue)
        }
        timings.densify += lap()

        state.iteration = iteration
        return StepReport(iteration: iteration, viewIndex: viewIndex, loss: value,
                          psnr: value.mse > 0 ? -10 * log10(value.mse) : .infinity,
                          gaussians: state.gaussians.count, objectiveTerms: terms, densify: densifyReport,
                          opacityReset: resetOpacity, timings: timings)
    }

    /// Takes the gradients a block of Gaussians at a time (`RasterBackend.updateWithGradients`) and
    /// applies each block's densification statistics (when `accumulate`) and optimiser update
    /// right away, so the gradients of all Gaussians never exist at once. Every update is per
    /// Gaussian, so the result is that of whole-array passes. Returns what each block did.
    private func updateByBlocks(_ state: inout TrainState, radii: [Float], accumulate: Bool,
                                adamStep: AdamStep?) -> [BlockWork] {
        let kernel = adamStep.map { state.adam.kernel($0, featureCount: state.gaussians.featureCount) }
        let blockRows = Self.gradientBlockRows
        var blocks = [BlockWork](repeating: BlockWork(), count: (state.gaussians.count + blockRows - 1) / blockRows)
        state.stats.withArrays { stats in
            state.adam.firstMoment.withArrays { m in
                state.adam.secondMoment.withArrays { v in
                    radii.withUnsafeBufferPointer { radii in
                        blocks.withUnsafeMutableBufferPointer { work in
                            let radii = SendablePointer(UnsafeMutablePointer(mutating: radii.baseAddress!))
                            let work = SendablePointer(work.baseAddress!)
                            backend.updateWithGradients(&state.gaussians, blockRows: blockRows) { block, params in
                                let start = DispatchTime.now().uptimeNanoseconds
                                if accumulate {
                                    stats.accumulate(rows: block.rows, radii: radii.base,
                                                     screenGradNorm: block.screenMeanGradNorm)
                                }
                                let counted = DispatchTime.now().uptimeNanoseconds
                                let finite = kernel?.update(params, m, v, block.gradients, rows: block.rows) ?? true
                                work.base[block.rows.lowerBound / blockRows] = BlockWork(
                                    gradients: block.seconds, statistics: Double(counted - start) * 1e-9,
                                    optimizer: Double(DispatchTime.now().uptimeNanoseconds - counted) * 1e-9,
                                    finite: finite)
                            }
                        }
                    }
                }
            }
        }
        return blocks
    }
}
