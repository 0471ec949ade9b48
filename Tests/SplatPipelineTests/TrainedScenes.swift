import Foundation
import SplatPipeline
import SplatTestSupport
import SplatTrain

/// Scenes trained jointly (RGB + segmentation) once per test run and shared by the tests.
enum TrainedScenes {
    /// The small scene (160×120, 21 training views, 6 objects) after a short joint run.
    static let small: Result<URL, Error> = train("small", TestScenes.small, iterations: 1000)
    /// The tiny scene (64×48, 10 training views; one object is a sphere).
    static let tiny: Result<URL, Error> = train("tiny", TestScenes.tiny, iterations: 800)

    private static func train(_ name: String, _ scene: () throws -> URL, iterations: Int) -> Result<URL, Error> {
        Result {
            let folder = ModelFolder(try TestData.temporaryDirectory("pipeline-\(name)"))
            var run = TrainingRun(scene: try scene(), folder: folder)
            run.config.iterations = iterations
            run.config.checkpointInterval = 0
            run.config.saveIterations = []
            run.segmentation = .required
            try run.run(progress: ProgressReporter(totalIterations: iterations, interval: iterations, isTerminal: false))
            return folder.url
        }
    }
}
