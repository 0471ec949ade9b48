import Foundation
import Testing
@testable import SplatTrain
import SplatIO
import SplatMath
import SplatRaster
import SplatTestSupport

/// The tiny scene's training views at full resolution (64×48), loaded once.
private let tinyScene: (scene: Scene, views: [TrainingView])? = {
    guard let url = try? TestScenes.tiny(),
          let scene = try? SceneLoader.load(url, options: SceneLoadOptions()),
          let views = try? TrainingView.load(from: scene, indices: scene.trainIndices, downscale: 1) else { return nil }
    return (scene, views)
}()

private func meanPSNR(_ gaussians: GaussianParams, views: [TrainingView], config: TrainConfig) -> Double {
    let backend = CPURasterizer()
    var options = RenderOptions()
    options.activeSHDegree = min(gaussians.shDegree, config.maxSHDegree)
    var total = 0.0
    for view in views {
        let output = backend.render(gaussians, camera: view.camera, options: options)
        total += ImageMetricsPSNR.psnr(output.color, view.image)
    }
    return total / Double(views.count)
}

private enum ImageMetricsPSNR {
    static func psnr(_ a: [Float], _ b: [Float]) -> Double {
        var s = 0.0
        for i in 0..<a.count { let d = Double(a[i]) - Double(b[i]); s += d * d }
        return -10 * log10(s / Double(a.count))
    }
}

/// The initial Gaussians of the tiny scene's points for `config`, with `featureCount` feature channels.
private func initialState(_ config: TrainConfig, scene: Scene, views: [TrainingView], featureCount: Int = 0) -> TrainState {
    TrainState.initial(config: config, views: views, points: scene.points, pointColors: scene.pointColors,
                       sceneExtent: scene.sceneExtent, featureCount: featureCount)
}

/// Short-run settings that still pass through densification, an opacity reset and an SH step.
private func shortConfig(iterations: Int, seed: UInt64 = 7) -> TrainConfig {
    var config = TrainConfig()
    config.iterations = iterations
    config.seed = seed
    config.densifyFromIteration = 20
    config.densificationInterval = 25
    config.opacityResetInterval = 60
    config.shDegreeInterval = 40
    return config
}

@Test func tinySceneGainsEightDecibels() throws {
    let (scene, views) = try #require(tinyScene)
    var config = TrainConfig()
    config.iterations = 600
    config.seed = 1
    let state = initialState(config, scene: scene, views: views)
    let before = meanPSNR(state.gaussians, views: views, config: config)
    let trainer = try Trainer(config: config, views: views, state: state, backend: CPURasterizer())
    while !trainer.isFinished { try trainer.step() }
    let after = meanPSNR(trainer.state.gaussians, views: views, config: config)
    print("tiny scene: train PSNR \(before) → \(after) dB, \(trainer.state.gaussians.count) Gaussians")
    #expect(after - before >= 8, "train PSNR \(before) → \(after)")
}

@Test func resumedRunIsBitIdentical() throws {
    let (scene, views) = try #require(tinyScene)
    var config = shortConfig(iterations: 130)
    config.background = .random
    let initial = initialState(config, scene: scene, views: views)
    let straight = try Trainer(config: config, views: views, state: initial, backend: CPURasterizer())
    while !straight.isFinished { try straight.step() }

    let dir = try TestDataDirectory()
    let url = dir.appendingPathComponent("checkpoint.bin")
    let first = try Trainer(config: config, views: views, state: initial, backend: CPURasterizer())
    for _ in 0..<53 { try first.step() }
    try TrainCheckpoint(state: first.state).write(to: url)
    let restored = try TrainCheckpoint.read(from: url)
    let second = try Trainer(config: config, views: views, state: restored.state, backend: CPURasterizer())
    while !second.isFinished { try second.step() }
    #expect(second.state.gaussians.count != initial.gaussians.count)   // densification happened
    #expect(second.state == straight.state)
}

@Test func threadCountDoesNotChangeTheResult() throws {
    let (scene, views) = try #require(tinyScene)
    var results = [TrainState]()
    for threads in [1, 2] {
        var config = shortConfig(iterations: 70)
        config.threads = threads
        let initial = initialState(config, scene: scene, views: views)
        let trainer = try Trainer(config: config, views: views, state: initial, backend: CPURasterizer())
        while !trainer.isFinished { try trainer.step() }
        results.append(trainer.state)
    }
    #expect(results[0] == results[1])
}

/// Test-only objective: pulls every rendered feature toward `target` with an L2 loss, and counts
/// its steps (its checkpointed state).
private final class PullFeaturesObjective: FeatureObjective {
    let featureCount = 4
    let target: Float = 0.5
    var steps = 0
    var nanAtIteration: Int?
    var losses: [Double] = []

    func step(iteration: Int, viewIndex: Int, features: [Float], width: Int, height: Int,
              featureGradient: inout [Float]) throws -> [String: Double] {
        steps += 1
        let n = features.count
        var loss = 0.0
        for i in 0..<n {
            let d = features[i] - target
            loss += Double(d * d)
            featureGradient[i] = 2 * d / Float(n)
        }
        if iteration == nanAtIteration { featureGradient[0] = .nan }
        losses.append(loss / Double(n))
        return ["pull": loss / Double(n)]
    }

    func checkpointState() throws -> [UInt8] { withUnsafeBytes(of: Int64(steps)) { Array($0) } }
    func restoreCheckpointState(_ bytes: [UInt8]) throws {
        steps = Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })
    }
}

@Test func featureObjectiveTrainsFeaturesThroughDensification() throws {
    let (scene, views) = try #require(tinyScene)
    var config = shortConfig(iterations: 120)
    config.identityFeatureLR = 0.05   // so 120 steps visibly pull ±1.8 features to 0.5
    let objective = PullFeaturesObjective()
    let initial = initialState(config, scene: scene, views: views, featureCount: objective.featureCount)
    #expect(initial.gaussians.featureCount == 4 && initial.gaussians.features.count == 4 * initial.gaussians.count)
    let c0 = Float(GaussianInitializer.shC0)
    #expect(initial.gaussians.features.allSatisfy { abs($0) <= 0.5 / c0 })
    let trainer = try Trainer(config: config, views: views, state: initial, backend: CPURasterizer(), objective: objective)
    while !trainer.isFinished { try trainer.step() }
    let state = trainer.state
    #expect(state.gaussians.count != initial.gaussians.count)
    #expect(state.gaussians.features.count == 4 * state.gaussians.count)
    #expect(state.adam.firstMoment.features.count == state.gaussians.features.count)
    #expect(state.adam.steps[ParameterGroup.features.rawValue] > 0)
    let early = objective.losses.prefix(10).reduce(0, +) / 10, late = objective.losses.suffix(10).reduce(0, +) / 10
    #expect(late < 0.5 * early, "feature loss \(early) → \(late)")
    // A trainer without an objective refuses Gaussians that carry features.
    #expect(throws: SplatError.self) { try Trainer(config: config, views: views, state: state, backend: CPURasterizer()) }
}

@Test func divergenceStopsAndKeepsTheLastGoodCheckpoint() throws {
    let (scene, views) = try #require(tinyScene)
    var config = shortConfig(iterations: 40)
    config.checkpointInterval = 10
    let objective = PullFeaturesObjective()
    objective.nanAtIteration = 23
    let initial = initialState(config, scene: scene, views: views, featureCount: objective.featureCount)
    let trainer = try Trainer(config: config, views: views, state: initial, backend: CPURasterizer(), objective: objective)
    let folder = ModelFolder(try TestDataDirectory())
    let session = try TrainingSession(trainer: trainer, folder: folder, resumed: false, stop: StopFlag(),
                                      progress: ProgressReporter(totalIterations: 40, interval: 1000, isTerminal: false),
                                      writePointCloud: { _, _ in })
    do {
        _ = try session.run()
        Issue.record("training should have stopped")
    } catch let error as SplatError {
        #expect(error.description.contains("iteration 23"))
        #expect(error.description.contains("iteration 20"))
    }
    let kept = try TrainCheckpoint.read(from: folder.checkpointURL)
    #expect(kept.state.iteration == 20 && kept.state.gaussians.isFinite)
    #expect(kept.objectiveState == withUnsafeBytes(of: Int64(20)) { Array($0) })
    let log = try String(contentsOf: folder.logURL, encoding: .utf8)
    #expect(log.split(separator: "\n").count == 22)
}

@Test func stopFlagCheckpointsAndResumeFinishes() throws {
    let (scene, views) = try #require(tinyScene)
    let config = shortConfig(iterations: 30)
    let initial = initialState(config, scene: scene, views: views)
    let folder = ModelFolder(try TestDataDirectory())
    let stop = StopFlag()
    stop.set()
    let progress = ProgressReporter(totalIterations: 30, interval: 1000, isTerminal: false)
    let trainer = try Trainer(config: config, views: views, state: initial, backend: CPURasterizer())
    try trainer.step()
    var interruptedClouds = [URL]()
    let session = try TrainingSession(trainer: trainer, folder: folder, resumed: false, stop: stop, progress: progress,
                                      writePointCloud: { _, url in interruptedClouds.append(url) })
    #expect(try session.run() == .interrupted(iteration: 1))
    #expect(interruptedClouds == [folder.pointCloudURL(iteration: 1)])
    let resumed = try Trainer(config: config, views: views, state: try TrainCheckpoint.read(from: folder.checkpointURL).state,
                              backend: CPURasterizer())
    var written = [URL]()
    let second = try TrainingSession(trainer: resumed, folder: folder, resumed: true, stop: StopFlag(), progress: progress,
                                     writePointCloud: { _, url in written.append(url) })
    #expect(try second.run() == .finished(iteration: 30))
    #expect(written == [folder.pointCloudURL(iteration: 30)])
}

@Test func trainingBenchmarkScoresEachIterationOnce() throws {
    let (scene, views) = try #require(tinyScene)
    let config = shortConfig(iterations: 120)
    let state = initialState(config, scene: scene, views: views)
    let backend = CPURasterizer()
    let trainer = try Trainer(config: config, views: views, state: state, backend: backend)
    let bench = TrainingBenchmark(targetPSNR: 99, maxSeconds: 600, evaluationInterval: 40, continueAfterTarget: true)
    let report = try bench.run(trainer, testViews: Array(views.prefix(2)), backend: backend)
    #expect(report.curve.map(\.iteration) == [40, 80, 120])
    #expect(report.iterationsToTarget == nil && report.iterations == 120)
}

/// A scene with points gets `distantPoints` more, beyond `distantRadii[0]` scene extents and
/// coloured from the photos; without any (0) the start is the points alone.
@Test func distantPointsJoinTheSceneInitialisation() throws {
    let (scene, views) = try #require(tinyScene)
    var config = TrainConfig()
    config.distantPoints = 0
    let plain = initialState(config, scene: scene, views: views)
    #expect(plain.gaussians.count == scene.points.count / 3)
    config.distantPoints = 300
    let state = initialState(config, scene: scene, views: views)
    let n = scene.points.count / 3
    #expect(state.gaussians.count == n + 300)
    #expect(Array(state.gaussians.means[0..<(3 * n)]) == scene.points)
    let center = views.map(\.camera.center).reduce(Vec3.zero, +) / Double(views.count)
    for i in n..<(n + 300) {
        let p = Vec3(Double(state.gaussians.means[3 * i]), Double(state.gaussians.means[3 * i + 1]),
                     Double(state.gaussians.means[3 * i + 2]))
        #expect((p - center).length >= 0.999 * config.distantRadii[0] * scene.sceneExtent)
    }
    // Colours come from the photos: not all the grey of "seen by no view".
    let dc = (n..<(n + 300)).map { state.gaussians.sh[$0 * GaussianParams.shStride] }
    #expect(Set(dc).count > 100)
    // A scene without points starts from the random cube alone.
    config.randomInitPoints = 500
    let random = TrainState.initial(config: config, views: views, points: [], pointColors: nil, featureCount: 0)
    #expect(random.gaussians.count == 500)
}

/// A cfg.json written before a setting existed still loads, with that setting's default.
@Test func olderConfigFilesLoadWithDefaultsForNewSettings() throws {
    var config = TrainConfig()
    config.iterations = 1234
    config.distantPoints = 77
    var fields = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any])
    fields["distantPoints"] = nil
    fields["distantRadii"] = nil
    let decoded = try ModelFolder.decodeConfig(JSONSerialization.data(withJSONObject: fields))
    #expect(decoded.iterations == 1234)
    #expect(decoded.distantPoints == TrainConfig().distantPoints && decoded.distantRadii == TrainConfig().distantRadii)
    #expect(throws: (any Error).self) { try ModelFolder.decodeConfig(Data("[1, 2]".utf8)) }
    #expect(throws: (any Error).self) { try ModelFolder.decodeConfig(Data(#"{"iterations": "many"}"#.utf8)) }
}

/// `bench raster --sweep`'s measurement: steps are timed and the run's memory is counted. (The
/// bytes per Gaussian are not checked here: other tests allocate in the same process meanwhile.)
@Test func scalingSweepMeasuresTimeAndMemory() throws {
    let point = try ScalingSweep.measure(gaussians: 20_000, width: 64, height: 48, steps: 2, threads: 1, seed: 3)
    #expect(point.parameterAndAdamBytesPerGaussian == 708)      // 59 floats at SH degree 3, times 3
    #expect(point.secondsPerStep > 0 && point.minSecondsPerStep <= point.secondsPerStep)
    #expect(point.peakBytes > 0 && point.bytesPerGaussian == Double(point.peakBytes) / 20_000)
}
