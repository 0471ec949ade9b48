import Foundation
import SplatPipeline
import SplatTestSupport
import SplatTrain

/// Scenes trained jointly (RGB + segmentation) once per test run and shared by the tests.
enum TrainedScenes {
    /// small-2 (160×120, 21 training views) after a short joint run.
    static let small2: Result<URL, Error> = train("synthetic/small-2", iterations: 1000)
    /// tiny-1 (64×48, 10 training views; object 6 is a sphere).
    static let tiny1: Result<URL, Error> = train("synthetic/tiny-1", iterations: 800)

    private static func train(_ relative: String, iterations: Int) -> Result<URL, Error> {
        Result {
            guard let scene = TestData.url(relative) else { throw TestDataMissing() }
            let folder = ModelFolder(try TestData.temporaryDirectory("pipeline-\(relative.split(separator: "/").last!)"))
            var run = TrainingRun(scene: scene, folder: folder)
            run.config.iterations = iterations
            run.config.checkpointInterval = 0
            run.config.saveIterations = []
            run.segmentation = .required
            try run.run(progress: ProgressReporter(totalIterations: iterations, interval: iterations, isTerminal: false))
            return folder.url
        }
    }
}

struct TestDataMissing: Error {}
