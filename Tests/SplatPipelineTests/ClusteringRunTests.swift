import Foundation
import SplatLift
import SplatPipeline
import SplatRaster
import SplatTestSupport
import SplatTrain
import Testing

/// The post-processing baseline end to end on SplatSynth's tiny scene: a contrastive-only run has features and no
/// objects; `ClusteringRun` searches the minimum cluster size on the training masks and leaves a
/// complete segmented folder that `eval` scores.
@Suite(.serialized)
struct ClusteringRunTests {
    @Test func contrastiveRunThenClusterSearchGivesACompleteModel() throws {
        let scene = try TestScenes.tiny()
        let folder = ModelFolder(try TestData.temporaryDirectory("contrastive-tiny"))
        var run = TrainingRun(scene: scene, folder: folder)
        run.config.iterations = 600
        run.config.checkpointInterval = 0
        run.config.saveIterations = []
        run.segmentation = .required
        var lift = LiftConfig()
        lift.objective = .contrastive
        run.lift = lift
        try run.run(progress: ProgressReporter(totalIterations: 600, interval: 600, isTerminal: false))

        // Features but no objects yet: the error names the command that makes them.
        let trained = try TrainedModel.load(folder)
        #expect(trained.gaussians.featureCount == 16)
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(ObjectTable.fileName).path))
        #expect(throws: (any Error).self) { _ = try SegmentedModel.load(trained) }
        do { _ = try SegmentedModel.load(trained) } catch { #expect("\(error)".contains("splatlift cluster")) }

        var clustering = ClusteringRun(model: folder.url, sizes: [10, 20, 40])
        clustering.scoringViewCount = 4
        clustering.groundTruth = scene.appendingPathComponent("gt_instance")
        var seen = [Int]()
        let (report, table) = try clustering.run { seen.append($0.minClusterSize) }
        #expect(seen == [10, 20, 40])
        #expect(report.trials.count == 3 && report.scoringViews.count == 4)
        #expect(report.trials.allSatisfy { $0.clusters >= 1 })
        #expect(report.trials.allSatisfy { $0.groundTruth != nil })
        let bestPQ = report.trials.map(\.trainingMasks.pq).max()!
        #expect(report.chosen.trainingMasks.pq == bestPQ)
        #expect(report.chosen.minClusterSize == report.trials.first { $0.trainingMasks.pq == bestPQ }!.minClusterSize)
        #expect(table.settings.candidates == .clusters && table.settings.clusterSize == report.chosen.minClusterSize)
        #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(ClusterSearch.Report.fileName).path))

        // The folder is complete: ids 1…K on the Gaussians, as in the table; eval scores it.
        let segmented = try #require(try SegmentedModel.load(TrainedModel.load(folder)))
        #expect(Set(segmented.objectIDs) == Set(table.ids.map(Int32.init)))
        let evaluation = try SegmentationEvaluation.evaluate(segmented, split: .test, groundTruthFolder: nil,
                                                             backend: CPURasterizer())
        #expect(evaluation.report.ungroupedPrediction == nil && evaluation.report.featurePrediction == nil)
        #expect(evaluation.report.prediction.meanIoU >= 0 && evaluation.report.inputMasks != nil)
    }
}
