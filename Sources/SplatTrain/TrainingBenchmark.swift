import Foundation
import SplatEval
import SplatMath
import SplatRaster

/// Time-to-quality benchmark of a training run (`splatlift bench train`): steps a `Trainer`,
/// scores the held-out views every `evaluationInterval` iterations, and records when their mean
/// PSNR first reaches `targetPSNR`. Training time excludes the evaluations.
public struct TrainingBenchmark {
    public var targetPSNR: Double
    /// Stop once this much training time has passed (seconds).
    public var maxSeconds: Double
    public var evaluationInterval: Int
    /// Keep training after the target is reached (to the iteration or time limit).
    public var continueAfterTarget: Bool
    /// Resident memory once the scene and its images were loaded, before any Gaussian existed
    /// (the baseline of `bytesPerGaussian`); nil: the memory when `run` starts.
    public var imagesMemoryBytes: Int?

    public init(targetPSNR: Double, maxSeconds: Double, evaluationInterval: Int, continueAfterTarget: Bool = false,
                imagesMemoryBytes: Int? = nil) {
        self.targetPSNR = targetPSNR; self.maxSeconds = maxSeconds
        self.evaluationInterval = evaluationInterval; self.continueAfterTarget = continueAfterTarget
        self.imagesMemoryBytes = imagesMemoryBytes
    }

    /// One evaluation of the held-out views.
    public struct Checkpoint: Codable, Sendable {
        public var iteration: Int
        /// Training seconds so far (evaluations excluded).
        public var seconds: Double
        public var psnr: Double
        public var gaussians: Int
    }

    /// Mean seconds per iteration of each phase.
    public struct PhaseSeconds: Codable, Sendable {
        public var project, bin, forward, backward, loss, objective, optimizer, densify, other: Double
        public var total: Double { project + bin + forward + backward + loss + objective + optimizer + densify + other }
    }

    public struct Report: Codable, Sendable {
        public var targetPSNR: Double
        /// Training seconds at the first evaluation at or above the target (nil: not reached).
        public var secondsToTarget: Double?
        public var iterationsToTarget: Int?
        public var iterations: Int
        public var trainingSeconds: Double
        /// Training plus evaluation seconds.
        public var wallSeconds: Double
        public var gaussians: Int
        public var finalPSNR: Double
        public var secondsPerIteration: PhaseSeconds
        /// Peak resident memory of the process (VmHWM, bytes).
        public var peakMemoryBytes: Int
        public var maxGaussians: Int
        /// Resident memory after loading the scene and its images (the baseline), and when
        /// training started (initial Gaussians, optimiser state and trainer buffers added).
        public var imagesMemoryBytes: Int
        public var startMemoryBytes: Int
        /// (peak − images baseline) / max Gaussians: everything training added, per Gaussian.
        public var bytesPerGaussian: Double
        /// (peak − start) / max Gaussians: the growth during training only.
        public var peakGrowthBytesPerGaussian: Double
        public var curve: [Checkpoint]
    }

    /// Runs `trainer` until the target (unless `continueAfterTarget`), `maxSeconds` or its last
    /// iteration. `onEvaluation` sees each evaluation as it happens (progress output).
    public func run(_ trainer: Trainer, testViews: [TrainingView], backend: RasterBackend,
                    onEvaluation: (Checkpoint) -> Void = { _ in }) throws -> Report {
        precondition(!testViews.isEmpty && evaluationInterval >= 1)
        let start = Stopwatch.now()
        let startMemory = ProcessMemory.residentBytes()
        var maxGaussians = trainer.state.gaussians.count
        var trainingSeconds = 0.0, totals = StageTimings(), steps = 0
        var curve: [Checkpoint] = [], reached: Checkpoint?
        // Scores the current Gaussians as the model of `iteration`; true when training should stop.
        func evaluate(as iteration: Int) -> Bool {
            let point = Checkpoint(iteration: iteration, seconds: trainingSeconds,
                                   psnr: Self.meanPSNR(trainer, testViews, backend), gaussians: trainer.state.gaussians.count)
            curve.append(point)
            onEvaluation(point)
            guard reached == nil && point.psnr >= targetPSNR else { return false }
            reached = point
            return !continueAfterTarget
        }
        while !trainer.isFinished && trainingSeconds < maxSeconds {
            // `train --iterations N` leaves the state after N − 1 steps (its last step neither
            // densifies nor updates), so that state is scored as iteration N: never the moment
            // right after a densification, which the next steps repair.
            let next = trainer.state.iteration + 1
            if next % evaluationInterval == 0 && next > 1 && evaluate(as: next) { break }
            let stepStart = Stopwatch.now()
            let report = try trainer.step()
            trainingSeconds += Stopwatch.now() - stepStart
            totals += report.timings
            steps += 1
            maxGaussians = max(maxGaussians, report.gaussians)
        }
        if reached == nil && curve.last?.iteration != trainer.state.iteration {
            _ = evaluate(as: trainer.state.iteration)
        }
        let mean = totals.mean(over: steps)
        let measured = mean.total
        let phases = PhaseSeconds(project: mean.raster.project / 1e3, bin: mean.raster.bin / 1e3,
                                  forward: mean.render - (mean.raster.project + mean.raster.bin) / 1e3,
                                  backward: mean.backward, loss: mean.loss, objective: mean.objective,
                                  optimizer: mean.optimizer, densify: mean.densify,
                                  other: max(0, trainingSeconds / Double(max(steps, 1)) - measured))
        let peak = ProcessMemory.peakResidentBytes(), images = imagesMemoryBytes ?? startMemory
        func perGaussian(_ baseline: Int) -> Double { Double(max(0, peak - baseline)) / Double(max(maxGaussians, 1)) }
        return Report(targetPSNR: targetPSNR, secondsToTarget: reached?.seconds, iterationsToTarget: reached?.iteration,
                      iterations: trainer.state.iteration, trainingSeconds: trainingSeconds, wallSeconds: Stopwatch.now() - start,
                      gaussians: trainer.state.gaussians.count, finalPSNR: curve.last?.psnr ?? .nan,
                      secondsPerIteration: phases, peakMemoryBytes: peak, maxGaussians: maxGaussians,
                      imagesMemoryBytes: images, startMemoryBytes: startMemory, bytesPerGaussian: perGaussian(images),
                      peakGrowthBytesPerGaussian: perGaussian(startMemory), curve: curve)
    }

    /// Mean PSNR of the current Gaussians over `views`, rendered as `eval` does (all SH bands in
    /// use, the training background, colours clamped to [0, 1]).
    static func meanPSNR(_ trainer: Trainer, _ views: [TrainingView], _ backend: RasterBackend) -> Double {
        var options = trainer.renderOptions(iteration: trainer.state.iteration, background: trainer.config.displayBackground)
        options.renderFeatures = false
        var sum = 0.0
        var truth: [Float] = []
        for view in views {
            let output = backend.render(trainer.state.gaussians, camera: view.camera, options: options)
            view.composite(over: options.background, into: &truth)
            sum += ImageMetrics.psnr(output.color.map { min(max($0, 0), 1) }, truth)
        }
        return sum / Double(views.count)
    }

}
