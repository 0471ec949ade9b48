import Foundation
import SplatLift
import SplatMath
import SplatPipeline
import SplatRaster
import SplatTestSupport
import SplatTrain
import Testing

/// `splatlift merge` on the tiny scene cut into two blocks, each trained briefly with masks.
@Suite(.serialized) struct BlockMergeTests {
    static let iterations = 150

    /// A 1×2 plan of the tiny scene; with `trained`, both blocks trained as plan.json says.
    static func plan(trained: Bool) throws -> (URL, PartitionPlan) {
        let out = try TestData.temporaryDirectory("merge").appendingPathComponent("plan")
        var partition = ScenePartition(scene: try TestScenes.tiny(), rows: 1, columns: 2)
        partition.cameras.minimum = 4
        partition.iterations = iterations
        let plan = try partition.write(to: out)
        if trained {
            for block in plan.blocks {
                var run = TrainingRun(scene: URL(fileURLWithPath: block.scene), folder: ModelFolder(URL(fileURLWithPath: block.model)))
                run.config.iterations = iterations
                run.config.checkpointInterval = 0
                run.segmentation = .required
                try run.run(progress: ProgressReporter(totalIterations: iterations, interval: iterations, isTerminal: false))
            }
        }
        return (out, plan)
    }

    static let trainedPlan = Result { try plan(trained: true) }

    @Test func mergedFolderIsACompleteModelWhoseObjectsNameTheirBlockObjects() throws {
        let (url, plan) = try Self.trainedPlan.get()
        let out = url.appendingPathComponent("merged")
        let report = try BlockMerge.merge(plan: url, out: out)
        let model = try EditableModel.load(out)
        #expect(model.gaussians.count == report.blocks.map(\.kept).reduce(0, +))
        #expect(report.blocks.allSatisfy { $0.kept > 0 && $0.kept < $0.gaussians })
        #expect(model.trained.config.scenePath == plan.scene && model.trained.iteration == Self.iterations)
        // Every merged object names its block objects, each block object at most once (one whose
        // Gaussians all lie outside its block's own cell and that joined nothing is dropped); the
        // floor spans both blocks, so some objects join.
        let sources = model.table.objects.flatMap { $0.sources ?? [] }
        #expect(model.table.objects.allSatisfy { !($0.sources ?? []).isEmpty })
        #expect(sources.count == Set(sources).count && sources.count <= report.blocks.map(\.objects).reduce(0, +))
        #expect(!report.links.isEmpty && model.table.objects.count < sources.count)
        #expect(model.table.objects.contains { Set(($0.sources ?? []).map(\.block)).count == 2 })
        #expect(model.codebook.entryCount == model.table.entryCount)
        // render / eval / remove accept it.
        let quality = try ImageQualityReport.evaluate(model.trained, split: .test, backend: CPURasterizer())
        #expect(quality.psnr > 12)
        let first = try #require(model.table.objects.first)
        try model.writeRemoved(model.objectIDs.map { $0 == Int32(first.id) }, to: url.appendingPathComponent("removed"))
        let removed = try EditableModel.load(url.appendingPathComponent("removed"))
        #expect(removed.table.object(first.id) == nil && removed.gaussians.count == model.gaussians.count - first.gaussians)
        // Merging again replaces the merged model.
        #expect(try BlockMerge.merge(plan: url, out: out).gaussians == report.gaussians)
    }

    @Test func untrainedBlockIsNamedInOneLine() throws {
        let (url, _) = try Self.plan(trained: false)
        let error = #expect(throws: SplatError.self) { try BlockMerge.merge(plan: url, out: url.appendingPathComponent("merged")) }
        #expect(error?.message.contains("block_0_0 has not finished training") == true)
    }
}
