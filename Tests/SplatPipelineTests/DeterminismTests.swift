import Foundation
import SplatPipeline
import SplatTestSupport
import SplatTrain
import Testing

/// A joint run (RGB + segmentation, then the object pipeline) gives byte-identical files on 1 and
/// 2 threads: the point cloud (with features and object ids), the codebook and the object table.
@Test func jointTrainingIsIdenticalOnOneAndTwoThreads() throws {
    let scene = try TestScenes.tiny()
    var outputs: [[Data]] = []
    for threads in [1, 2] {
        let folder = ModelFolder(try TestData.temporaryDirectory("threads-\(threads)"))
        defer { try? FileManager.default.removeItem(at: folder.url) }
        var run = TrainingRun(scene: scene, folder: folder)
        run.config.iterations = 150
        run.config.densifyFromIteration = 30
        run.config.densificationInterval = 40
        run.config.checkpointInterval = 0
        run.config.saveIterations = []
        run.config.threads = threads
        run.segmentation = .required
        try run.run(progress: ProgressReporter(totalIterations: 150, interval: 150, isTerminal: false))
        let cloud = folder.pointCloudURL(iteration: 150).deletingLastPathComponent()
        outputs.append(try ["point_cloud.ply", "codebook.json", "objects.json"].map {
            try Data(contentsOf: cloud.appendingPathComponent($0))
        })
    }
    for (name, (one, two)) in zip(["point_cloud.ply", "codebook.json", "objects.json"], zip(outputs[0], outputs[1])) {
        #expect(one == two, "\(name) differs between 1 and 2 threads")
    }
}
