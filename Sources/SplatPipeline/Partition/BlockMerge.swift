import Foundation
import SplatEdit
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

/// `splatlift merge PLAN --out MODEL`: the trained blocks of a partition plan as one complete
/// model folder (`cfg.json` naming the whole scene, `lift.json`, the point cloud with `object_id`,
/// the stacked codebook, `objects.json` whose objects list the block objects they joined, and
/// `merge.json` with the links found). Every block keeps the Gaussians whose centre lies in its own
/// unexpanded cell; objects are joined across blocks by `BlockObjectJoin`.
public enum BlockMerge {
    /// What `merge.json` records.
    public struct Report: Codable, Sendable {
        public struct BlockCount: Codable, Sendable {
            public var name: String
            public var gaussians: Int
            public var kept: Int
            public var objects: Int
        }
        public static let fileName = "merge.json"
        public var plan: String
        public var blocks: [BlockCount]
        public var links: [BlockObjectJoin.Link]
        public var objects: Int
        public var gaussians: Int
    }

    @discardableResult
    public static func merge(plan planURL: URL, out: URL, settings: BlockObjectJoin.Settings = .init(),
                             backend: RasterBackend = CPURasterizer()) throws -> Report {
        let plan = try PartitionPlan.load(planURL)
        let loaded = try plan.blocks.map { try load($0, backend: backend) }
        let (first, firstInfo) = (loaded[0].trained, loaded[0].info)
        for (block, model) in zip(plan.blocks, loaded) {
            guard model.trained.config.resolution == first.config.resolution, model.trained.iteration == first.iteration else {
                throw SplatError("block \(block.name) was trained at -r \(model.trained.config.resolution) to iteration "
                                 + "\(model.trained.iteration), block \(plan.blocks[0].name) at -r \(first.config.resolution) "
                                 + "to \(first.iteration): train every block alike", path: block.model)
            }
        }
        let blocks = loaded.map(\.block)
        let coordinates = blocks.map { plan.ground.coordinates(of: $0.inputs.gaussians.means) }
        let kept = plan.blocks.indices.map { b in coordinates[b].map { plan.blocks[b].bounds.contains(u: $0.u, v: $0.v) } }
        var links: [BlockObjectJoin.Link] = []
        for a in plan.blocks.indices {
            for b in plan.blocks.indices where b > a {
                guard let overlap = plan.blocks[a].expandedBounds.intersection(plan.blocks[b].expandedBounds) else { continue }
                links += try BlockObjectJoin.links(blocks, a: a, b: b,
                                                   overlapA: coordinates[a].map { overlap.contains(u: $0.u, v: $0.v) },
                                                   overlapB: coordinates[b].map { overlap.contains(u: $0.u, v: $0.v) },
                                                   settings: settings)
            }
        }
        let gaussians = try GaussianParams.concatenated(try zip(blocks, kept).map { try $0.inputs.gaussians.subset($1) })
        var config = first.config
        config.scenePath = plan.scene
        config.imagesPath = nil
        config.sparsePath = nil
        let scene = try SceneLoader.load(URL(fileURLWithPath: plan.scene), options: config.sceneLoadOptions(background: config.displayBackground))
        let (table, ids, codebook) = try BlockObjectJoin.merged(
            blocks, kept: kept, links: links, gaussians: gaussians,
            cameras: scene.trainIndices.map { scene.camera($0, downscale: config.resolution) },
            viewNames: scene.trainIndices.map { scene.views[$0].name }, backend: backend, threads: config.threads)
        var info = firstInfo
        info.masksPath = plan.masks
        let report = Report(plan: planURL.standardizedFileURL.path,
                            blocks: zip(plan.blocks, zip(blocks, kept)).map { block, pair in
                                Report.BlockCount(name: block.name, gaussians: pair.0.inputs.gaussians.count,
                                                  kept: pair.1.filter { $0 }.count, objects: pair.0.table.objects.count)
                            },
                            links: links, objects: table.objects.count, gaussians: gaussians.count)
        try StagedFolder.write(out, replaceable: { FileManager.default.fileExists(atPath: ModelFolder($0).configURL.path) }) { dir in
            let folder = ModelFolder(dir)
            try folder.writeConfig(config)
            try folder.writeLiftInfo(info)
            try folder.writeSegmentedPointCloud(GaussianPLY(gaussians: gaussians, objectIDs: ids),
                                                to: folder.pointCloudURL(iteration: first.iteration), table: table,
                                                saveCodebook: { try codebook.save(to: $0) })
            try JSONFiles.write(report, to: dir.appendingPathComponent(Report.fileName), what: "the merge report")
        }
        return report
    }

    /// A block's trained model with its segmentation and training views.
    static func load(_ block: PartitionPlan.Block,
                     backend: RasterBackend) throws -> (block: BlockObjectJoin.Block, trained: TrainedModel, info: LiftModelInfo) {
        guard FileManager.default.fileExists(atPath: block.pointCloud) else {
            throw SplatError("block \(block.name) has not finished training (no \(block.pointCloud)); run its command from plan.json",
                             path: block.model)
        }
        let trained = try TrainedModel.load(ModelFolder(URL(fileURLWithPath: block.model)))
        guard let segmented = try SegmentedModel.load(trained) else {
            throw SplatError("block \(block.name) was trained without masks: merge joins objects, so train blocks with masks",
                             path: block.model)
        }
        let inputs = try ObjectPipeline.Inputs(trainingViewsOf: trained, info: segmented.info, codebook: segmented.codebook,
                                               backend: backend)
        return (try BlockObjectJoin.Block(name: block.name, inputs: inputs, objectIDs: segmented.objectIDs, table: segmented.table),
                trained, segmented.info)
    }
}
