import Foundation
import Testing
import SplatLift
import SplatMath
import SplatPipeline
import SplatTestSupport
import SplatTrain

/// A run of a few steps on the tiny scene (64×48, 10 training views, SAM masks) into a new folder.
private func tinyRun(_ name: String, iterations: Int, segmentation: TrainingRun.Segmentation = .whenMasksFound) throws -> TrainingRun {
    var run = TrainingRun(scene: try TestScenes.tiny(),
                          folder: ModelFolder(try TestData.temporaryDirectory(name)))
    run.config.iterations = iterations
    run.segmentation = segmentation
    return run
}

private var quiet: ProgressReporter { ProgressReporter(totalIterations: 0, interval: 1_000_000, isTerminal: false) }

/// The error `run` throws, which must be one line.
private func failure(_ run: TrainingRun) -> String {
    let error = #expect(throws: SplatError.self) { try run.run(progress: quiet) }
    let text = error?.description ?? ""
    #expect(!text.contains("\n"))
    return text
}

@Suite struct TrainingRunTests {
    /// Each setting that shaped the model is refused on --resume (before anything is written),
    /// the same value is accepted.
    @Test func resumeRefusesEachChangeInOneLine() throws {
        let segmented = try tinyRun("resume-rules", iterations: 2)
        try segmented.run(progress: quiet)
        let config = try Data(contentsOf: segmented.folder.configURL)
        var resume = segmented
        resume.resume = true
        let changes: [(String, (inout TrainingRun) -> Void)] = [
            ("-r (the model used 1)", { $0.overrides.resolution = 2 }),
            ("--seed (the model used 0)", { $0.overrides.seed = 9 }),
            ("--background (the model used black)", { $0.overrides.background = .white }),
            ("--distant-points", { $0.overrides.distantPoints = 7 }),
            ("--feature-lr (the model used 0.0025)", { $0.overrides.identityFeatureLR = 0.01 }),
            ("--feature-lr-final", { $0.overrides.identityFeatureLRFinal = 0.001 }),
            ("the segmentation options", { $0.lift = LiftConfig() }),
            ("turn segmentation off", { $0.segmentation = .off }),
            ("--overwrite", { $0.overwrite = true }),
        ]
        for (words, change) in changes {
            var run = resume
            change(&run)
            let text = failure(run)
            #expect(text.hasPrefix("--resume cannot") && text.contains(words), "\(text)")
        }
        #expect(try Data(contentsOf: segmented.folder.configURL) == config)

        var same = resume
        same.overrides.seed = 0
        same.overrides.resolution = 1
        same.overrides.iterations = 3
        let summary = try same.run(progress: quiet)
        #expect(summary.ending == .finished && summary.iteration == 3)

        var rgb = try tinyRun("resume-rgb", iterations: 1, segmentation: .off)
        try rgb.run(progress: quiet)
        rgb.resume = true
        rgb.segmentation = .whenMasksFound
        rgb.masks = rgb.scene.appendingPathComponent("sam_masks")
        #expect(failure(rgb).contains("--resume cannot add segmentation to an RGB-only model"))
    }

    /// A fresh run into a folder holding a model fails naming the folder, what it holds and
    /// --overwrite, and leaves it as it was.
    @Test func freshRunRefusesAFolderHoldingAModel() throws {
        let folder = ModelFolder(try TestData.temporaryDirectory("used"))
        try FileManager.default.createDirectory(at: folder.pointCloudsURL, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: folder.configURL)
        let run = TrainingRun(scene: URL(fileURLWithPath: "/nonexistent-scene"), folder: folder)
        let text = failure(run)
        #expect(text.hasPrefix(folder.url.path + ": holds a trained model (cfg.json, point_cloud/)"))
        #expect(text.contains("--overwrite clears it"))
        #expect(try Data(contentsOf: folder.configURL) == Data("{}".utf8))
    }

    /// --overwrite removes the older run's files (its later iteration, metrics, objects) before
    /// training; files SplatLift did not write stay.
    @Test func overwriteRemovesTheOldModelAndKeepsOtherFiles() throws {
        var run = try tinyRun("overwrite", iterations: 2, segmentation: .off)
        let url = run.folder.url
        let old = run.folder.pointCloudURL(iteration: 600)
        try FileManager.default.createDirectory(at: old.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("renders"), withIntermediateDirectories: true)
        for file in [old, run.folder.metricsURL, run.folder.objectTableURL, run.folder.liftInfoURL,
                     url.appendingPathComponent("notes.txt"), url.appendingPathComponent("renders/view.png")] {
            try Data("old".utf8).write(to: file)
        }
        #expect(failure(run).contains("--overwrite"))
        run.overwrite = true
        let summary = try run.run(progress: quiet)
        #expect(summary.ending == .finished && summary.iteration == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.folder.pointCloudsURL.path) == ["iteration_2"])
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: url.path))
                == ["cfg.json", "checkpoint.bin", "train_log.jsonl", "point_cloud", "notes.txt", "renders"])
        #expect(try Data(contentsOf: url.appendingPathComponent("renders/view.png")) == Data("old".utf8))
    }

    /// A segmented run stopped at step 22 (as Ctrl-C would) and resumed ends with the files of
    /// the uninterrupted run, through densification and an opacity reset on both sides of the stop.
    @Test func interruptedThenResumedEqualsUninterrupted() throws {
        var straight = try tinyRun("straight", iterations: 50)
        straight.config.seed = 5
        straight.config.densifyFromIteration = 10
        straight.config.densificationInterval = 15
        straight.config.opacityResetInterval = 40
        straight.lift = LiftConfig()
        straight.lift?.sampleCount = 4096
        var split = straight
        split.folder = ModelFolder(try TestData.temporaryDirectory("split"))
        #expect(try straight.run(progress: quiet).ending == .finished)

        let stopped = try split.run(progress: quiet, stop: StopFlag(atIteration: 22))
        #expect(stopped.ending == .interrupted && stopped.iteration == 22)
        split.resume = true
        split.lift = nil
        let resumed = try split.run(progress: quiet)
        #expect(resumed.ending == .finished && resumed.iteration == 50)

        for file in ["point_cloud/iteration_50/point_cloud.ply", "codebook.json", "objects.json"] {
            let a = try Data(contentsOf: straight.folder.url.appendingPathComponent(file))
            #expect(try Data(contentsOf: split.folder.url.appendingPathComponent(file)) == a, "\(file)")
        }
        let a = try TrainCheckpoint.read(from: straight.folder.checkpointURL)
        let b = try TrainCheckpoint.read(from: split.folder.checkpointURL)
        #expect(a.state == b.state)
        let log = try String(contentsOf: split.folder.logURL, encoding: .utf8)
        #expect(log.split(separator: "\n").count == 50)
    }

    /// A stop before training starts (Ctrl-C while the images load) leaves no folder behind.
    @Test func stopBeforeTrainingWritesNothing() throws {
        var run = try tinyRun("early-stop", iterations: 2, segmentation: .off)
        run.folder = ModelFolder(run.folder.url.appendingPathComponent("model"))
        let stop = StopFlag()
        stop.set()
        let error = #expect(throws: SplatError.self) { try run.run(progress: quiet, stop: stop) }
        #expect(error?.message.contains("interrupted before training started") == true)
        #expect(!FileManager.default.fileExists(atPath: run.folder.url.path))
    }
}
