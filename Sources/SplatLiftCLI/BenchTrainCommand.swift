import ArgumentParser
import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// `splatlift bench train SCENE`: wall time for RGB (or, with --segmentation, joint) training to
/// reach a test-view PSNR.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Time training with the default recipe until the mean test-view PSNR reaches a target.",
        discussion: """
        Trains the scene's training views (RGB only unless --segmentation; nothing written to disk), \
        scores the test views every --eval-every iterations, and stops at the first score ≥ --target-psnr, after \
        --max-seconds of training, or at --iterations. Evaluation time is not counted as training \
        time. Prints the time to the target, the PSNR curve, seconds per iteration by phase, and \
        the peak memory: above the memory once the images are loaded, per Gaussian of the most \
        held at once; --json prints one JSON object instead.
        """)

    @Argument(help: "Scene folder (COLMAP sparse/0 or transforms.json, with images/ and test views).")
    var scene: String

    @Option(parsing: .unconditional, help: "Mean test-view PSNR (dB) to reach.") var targetPSNR = 29.8
    @Option(parsing: .unconditional, help: "Stop after this many seconds of training.") var maxSeconds = 600.0
    @Option(parsing: .unconditional, help: "Iterations of the recipe (the position learning rate decays over them).") var iterations: Int?
    @Option(parsing: .unconditional, help: "Score the test views every this many iterations.") var evalEvery = 100
    @Option(name: [.customShort("r"), .long], parsing: .unconditional, help: "Downscale the images by this integer factor.") var resolution = 1
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Background: black, white or random.") var background: BackgroundMode = .black
    @Option(parsing: .unconditional, help: "Worker threads (0 = all cores).") var threads = 0
    @Flag(help: "Keep training after the target is reached.") var continueAfterTarget = false
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Flag(help: """
        Train jointly with the Unified-Lift objective on the scene's masks (object_mask/ or sam_masks/), \
        as `train` does on a scene with masks, to measure what segmentation adds per step (the objective \
        phase, and the 16 feature channels in forward and backward).
        """)
    var segmentation = false
    @Option(parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.codebookPixels, valueName: "pixels"))
    var codebookPixels = LiftConfig().codebookPixels
    @Option(parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.objectiveEvery, valueName: "steps"))
    var objectiveEvery = LiftConfig().objectiveEvery

    func validate() throws {
        try OptionCheck.real(targetPSNR, "--target-psnr", 0...1000, openBelow: true)
        try OptionCheck.real(maxSeconds, "--max-seconds", 0...1e9, openBelow: true)
        try OptionCheck.int(iterations, "--iterations", 1...100_000_000)
        try OptionCheck.int(evalEvery, "--eval-every", 1...Int.max)
        try OptionCheck.int(resolution, "--resolution", OptionCheck.downscale)
        try OptionCheck.int(codebookPixels, "--codebook-pixels", 0...Int.max)
        try OptionCheck.int(objectiveEvery, "--objective-every", 1...Int.max)
        try OptionCheck.int(threads, "--threads", OptionCheck.threads)
    }

    func run() throws {
        try oneLineErrors(benchmark)
    }

    private func benchmark() throws {
        ProcessMemory.mapLargeAllocationsSeparately()
        var config = TrainConfig()
        if let iterations { config.iterations = iterations }
        config.resolution = resolution
        config.seed = seed
        config.background = background
        config.threads = threads
        try config.validate()
        let sceneURL = URL(fileURLWithPath: scene)
        config.scenePath = sceneURL.standardizedFileURL.path
        var loadOptions = config.sceneLoadOptions(background: .zero)
        loadOptions.requireMasks = segmentation
        let loaded = try SceneLoader.load(sceneURL, options: loadOptions)
        guard !loaded.trainIndices.isEmpty, !loaded.testIndices.isEmpty else {
            throw SplatError("the benchmark needs training and test views (the scene has \(loaded.trainIndices.count) and \(loaded.testIndices.count))",
                             path: sceneURL.path)
        }
        let views = try TrainingView.load(from: loaded, indices: loaded.trainIndices, downscale: resolution, threads: threads)
        let testViews = try TrainingView.load(from: loaded, indices: loaded.testIndices, downscale: resolution, threads: threads)
        let imagesMemory = ProcessMemory.residentBytes()
        var objective: LiftObjective?
        if segmentation {
            var liftConfig = LiftConfig()
            liftConfig.seed = config.seed
            liftConfig.codebookPixels = codebookPixels
            liftConfig.objectiveEvery = objectiveEvery
            let maps = try LiftTrainingLabels.load(from: loaded, indices: loaded.trainIndices, downscale: resolution)
            objective = try LiftObjective(config: liftConfig, labelMaps: maps)
        }
        let state = TrainState.initial(config: config, views: views, points: loaded.points, pointColors: loaded.pointColors,
                                       sceneExtent: loaded.sceneExtent, featureCount: objective?.featureCount ?? 0)
        let backend = CPURasterizer()
        let trainer = try Trainer(config: config, views: views, state: state, backend: backend, objective: objective)
        let camera = views[0].camera
        let threadCount = effectiveThreadCount(threads)
        let header = "bench train: \(sceneURL.standardizedFileURL.lastPathComponent), \(views.count) train + \(testViews.count) test views at "
            + "\(camera.width)x\(camera.height), \(state.gaussians.count) initial Gaussians, "
            + (segmentation ? "joint training (Unified-Lift objective), " : "RGB only, ") + "\(threadCount) thread(s), "
            + "target \(targetPSNR) dB, load average \(String(format: "%.2f", loadAverage()))"
        // With --json, progress goes to stderr so stdout stays one JSON object.
        let say: (String) -> Void = json ? { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } : { print($0); fflush(nil) }
        say(header)
        let bench = TrainingBenchmark(targetPSNR: targetPSNR, maxSeconds: maxSeconds, evaluationInterval: evalEvery,
                                      continueAfterTarget: continueAfterTarget, imagesMemoryBytes: imagesMemory)
        let report = try bench.run(trainer, testViews: testViews, backend: backend) { point in
            say(String(format: "  iter %5d  %7.1f s  test PSNR %6.2f dB  %7d Gaussians", point.iteration, point.seconds,
                       point.psnr, point.gaussians))
        }
        if json {
            print(String(decoding: try JSONFiles.encoded(report, pretty: false), as: UTF8.self))
            return
        }
        if let seconds = report.secondsToTarget, let iteration = report.iterationsToTarget {
            print(String(format: "reached %.2f dB at iteration %d after %.1f s of training", targetPSNR, iteration, seconds))
        } else {
            print(String(format: "did not reach %.2f dB: %.2f dB after %d iterations, %.1f s of training", targetPSNR,
                         report.finalPSNR, report.iterations, report.trainingSeconds))
        }
        let p = report.secondsPerIteration
        print(String(format: "seconds per iteration %.4f: project %.4f, bin %.4f, forward %.4f, backward %.4f, loss %.4f, "
                     + "objective %.4f, optimizer %.4f, densify %.4f, other %.4f", p.total, p.project, p.bin, p.forward,
                     p.backward, p.loss, p.objective, p.optimizer, p.densify, p.other))
        let mib = { (bytes: Int) in Double(bytes) / 1_048_576 }
        print(String(format: "Gaussians %d (max %d); wall %.1f s with evaluations", report.gaussians, report.maxGaussians,
                     report.wallSeconds))
        print(String(format: "memory: peak %.0f MiB = images %.0f MiB + %.0f MiB for max %d Gaussians = %.0f bytes per Gaussian "
                     + "(%.0f of growth after the start at %.0f MiB)", mib(report.peakMemoryBytes), mib(report.imagesMemoryBytes),
                     mib(report.peakMemoryBytes - report.imagesMemoryBytes), report.maxGaussians, report.bytesPerGaussian,
                     report.peakGrowthBytesPerGaussian, mib(report.startMemoryBytes)))
    }
}
