import SplatMath
import SplatRaster
import SplatTrain

/// The object inference, from a trained model to its objects: the map of how every Gaussian and
/// every pixel gets its final object id. Each stage is a function of typed values and can be
/// switched off in `ObjectSettings` (docs/SEGMENTATION.md, "The object pipeline"):
///
/// 1. `pixelEntries`: per training pixel, the codebook entry argmax_k C[k]·F(p) (METHOD.md §2).
/// 2. `EntryGrouping`: entries whose pixels share the training masks form one object
///    (off: every rendered entry is its own object).
/// 3. `GaussianVoting`: every Gaussian takes the object holding most of its blending weight on the
///    training views, each mask counting as its majority object (off: the grouped argmax of the
///    Gaussian's own feature).
/// 4. `ObjectSplitting`: an object whose Gaussians lie apart is cut into spatial parts, which the
///    masks regroup; a part they keep apart becomes an object of its own.
/// 5. `ObjectTable.numbered`: dense ids 1…K by area on the training views.
///
/// The post-processing baseline replaces stages 1-3 by HDBSCAN clusters of the features
/// (`FeatureClustering`, candidates `clusters`, sized by `ClusterSearch`).
///
/// A pixel's id is then always the object holding most of its blending weight
/// (`ObjectIDRendering`), in training and in every command.
public enum ObjectPipeline {
    /// What the inference runs on: the trained Gaussians and codebook, and the training views'
    /// cameras and masks at the training resolution (names for the table's `largestView`).
    public struct Inputs {
        public var gaussians: GaussianParams
        public var codebook: Codebook
        public var cameras: [PinholeCamera]
        public var masks: [SegmentLabels]
        public var viewNames: [String]
        public var backend: RasterBackend
        public var threads: Int

        public init(gaussians: GaussianParams, codebook: Codebook, cameras: [PinholeCamera], masks: [SegmentLabels],
                    viewNames: [String], backend: RasterBackend, threads: Int = 0) throws {
            guard cameras.count == masks.count, cameras.count == viewNames.count else {
                throw SplatError("object pipeline: \(cameras.count) cameras, \(masks.count) masks, \(viewNames.count) view names")
            }
            guard gaussians.featureCount == codebook.featureCount else {
                throw SplatError("Gaussians carry \(gaussians.featureCount) feature channels, the codebook has \(codebook.featureCount)")
            }
            self.gaussians = gaussians; self.codebook = codebook; self.cameras = cameras; self.masks = masks
            self.viewNames = viewNames; self.backend = backend; self.threads = threads
        }
    }

    /// Runs every stage; returns the object table and each Gaussian's dense object id.
    public static func run(_ inputs: Inputs, settings: ObjectSettings) throws -> (table: ObjectTable, gaussianIDs: [Int32]) {
        try settings.validate()
        switch settings.candidates {
        case .features:
            let entries = try pixelEntries(inputs)
            let (grouped, log) = try featureObjects(inputs, entries: entries, settings: settings)
            return try finish(inputs, objects: grouped, log: log, entries: entries, settings: settings)
        case .masks:
            let (grouped, log) = try maskObjects(inputs, settings: settings)
            return try finish(inputs, objects: grouped, log: log, entries: try pixelEntries(inputs), settings: settings)
        case .clusters:
            let hdbscan = HDBSCAN.Settings(minClusterSize: settings.clusterSize!, minSamples: settings.clusterSamples)
            let clusters = try FeatureClustering.cluster(inputs.gaussians, sample: FeatureClustering.pixelSample(inputs),
                                                         settings: hdbscan, threads: inputs.threads)
            return try finish(inputs, clusters: clusters, settings: settings)
        }
    }

    /// Stages 4-5 on HDBSCAN clusters (`FeatureClustering`, `ClusterSearch`).
    public static func finish(_ inputs: Inputs, clusters: FeatureClustering.Result,
                              settings: ObjectSettings) throws -> (table: ObjectTable, gaussianIDs: [Int32]) {
        let log = ObjectTable.StageLog(candidates: clusters.clusters, merges: [], votedObjects: clusters.clusters, splitObjects: 0)
        return try finish(inputs, objects: clusters.ids, log: log, entries: nil, settings: settings)
    }

    /// Stages 4-5: splitting by space, then the table; `entries` (stage 1), when known, assign
    /// codebook entries to the objects.
    static func finish(_ inputs: Inputs, objects: [Int32], log: ObjectTable.StageLog, entries: [[Int32]]?,
                       settings: ObjectSettings) throws -> (table: ObjectTable, gaussianIDs: [Int32]) {
        let (keys, parentOfKey) = settings.splitting
            ? try ObjectSplitting.split(inputs.gaussians, objectIDs: objects, firstNewKey: (objects.max() ?? 0) + 1,
                                        cameras: inputs.cameras, masks: inputs.masks, backend: inputs.backend,
                                        settings: settings, threads: inputs.threads)
            : (objects, [:])
        let (area, largestView, entriesOfKey) = try tally(inputs, keys: keys, entries: entries)
        var stages = log
        stages.splitObjects = parentOfKey.count
        return ObjectTable.numbered(keys: keys, entriesOfKey: entriesOfKey, parentOfKey: parentOfKey, area: area,
                                    largestView: largestView, entryCount: inputs.codebook.entryCount, settings: settings,
                                    stages: stages)
    }

    /// Stages 2-3 on feature candidates: entries grouped by the masks, then every Gaussian voted.
    static func featureObjects(_ inputs: Inputs, entries: [[Int32]],
                               settings: ObjectSettings) throws -> ([Int32], ObjectTable.StageLog) {
        let codebook = inputs.codebook
        let groups = settings.entryGrouping
            ? try EntryGrouping.build(masks: inputs.masks, ids: entries, entryCount: codebook.entryCount,
                                      agreement: settings.agreement, support: settings.support, minimumShare: settings.maskShare ?? 0)
            : EntryGrouping.ungrouped(entryArea: try EntryGrouping.histograms(masks: inputs.masks, ids: entries,
                                                                              entryCount: codebook.entryCount).1)
        let ownFeatureIDs = { try ownFeatureGroups(inputs.gaussians, codebook: codebook, groups: groups, threads: inputs.threads) }
        let voted = settings.voting
            ? try GaussianVoting.objectIDs(inputs.gaussians, viewIDs: entries.map { $0.map { groups.objectOfEntry[Int($0)] } },
                                           cameras: inputs.cameras, masks: settings.maskMajority ? inputs.masks : nil,
                                           backend: inputs.backend, threads: inputs.threads, fallback: ownFeatureIDs)
            : try ownFeatureIDs()
        let log = ObjectTable.StageLog(candidates: groups.entryArea.filter { $0 > 0 }.count, merges: groups.merges,
                                       votedObjects: Set(voted).count, splitObjects: 0)
        return (voted, log)
    }

    /// Stages 1-2 on mask candidates: masks associated across views, then candidates grouped by
    /// the masks like entries (on their rendered pixels); voting is part of the association.
    static func maskObjects(_ inputs: Inputs, settings: ObjectSettings) throws -> ([Int32], ObjectTable.StageLog) {
        let candidates = try MaskAssociation.candidates(inputs.gaussians, cameras: inputs.cameras, masks: inputs.masks,
                                                        backend: inputs.backend, agreement: settings.associationAgreement,
                                                        votes: settings.associationVotes ?? .weightSums,
                                                        threads: inputs.threads)
        // Dense candidate numbers 0..<C for the grouping's tables.
        let distinct = Set(candidates).sorted()
        let number = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
        let dense = candidates.map { number[$0]! }
        guard settings.entryGrouping else {
            return (dense, ObjectTable.StageLog(candidates: distinct.count, merges: [], votedObjects: distinct.count, splitObjects: 0))
        }
        let pixels = try inputs.cameras.map { camera in
            try ObjectIDRendering.pixelIDs(inputs.gaussians, objectIDs: dense, camera: camera, backend: inputs.backend,
                                           threads: inputs.threads).map { max($0, 0) }
        }
        let groups = try EntryGrouping.build(masks: inputs.masks, ids: pixels, entryCount: distinct.count,
                                             agreement: settings.agreement, support: settings.support,
                                             minimumShare: settings.maskShare ?? 0)
        let grouped = dense.map { groups.objectOfEntry[Int($0)] }
        return (grouped, ObjectTable.StageLog(candidates: distinct.count, merges: groups.merges,
                                              votedObjects: Set(grouped).count, splitObjects: 0))
    }

    /// Stage 1: the argmax codebook entry of every pixel of every training view (row-major).
    static func pixelEntries(_ inputs: Inputs) throws -> [[Int32]] {
        let options = RenderOptions.identityFeatures(threads: inputs.threads)
        return try inputs.cameras.map { camera in
            let output = inputs.backend.render(inputs.gaussians, camera: camera, options: options)
            return try LiftInference.pixelIDs(features: output.features, pixelCount: output.width * output.height,
                                              codebook: inputs.codebook, threads: inputs.threads)
        }
    }

    /// Each Gaussian's group from its own feature: the argmax over the grouped entries.
    static func ownFeatureGroups(_ gaussians: GaussianParams, codebook: Codebook, groups: EntryGroups,
                                 threads: Int) throws -> [Int32] {
        let (rows, groupOfRow) = try groups.activeRows(of: codebook)
        return try LiftInference.gaussianIDs(gaussians, codebook: rows, threads: threads).map { groupOfRow[Int($0)] }
    }

    /// Every object's pixels summed over the training views, the view where it has the most, and
    /// the codebook entries it owns: each entry goes to the object holding most of its argmax pixels
    /// (`entries`, stage 1).
    static func tally(_ inputs: Inputs, keys: [Int32],
                      entries: [[Int32]]?) throws -> (area: [Int32: Int], largestView: [Int32: String], entriesOfKey: [Int32: [Int]]) {
        var area = [Int32: Int](), largest = [Int32: (pixels: Int, view: Int)]()
        var entryPixels = [Int: [Int32: Int]]()
        for (v, camera) in inputs.cameras.enumerated() {
            let ids = try ObjectIDRendering.pixelIDs(inputs.gaussians, objectIDs: keys, camera: camera, backend: inputs.backend,
                                                     threads: inputs.threads)
            var counts = [Int32: Int]()
            for (p, id) in ids.enumerated() where id >= 0 {
                counts[id, default: 0] += 1
                if let entries { entryPixels[Int(entries[v][p]), default: [:]][id, default: 0] += 1 }
            }
            for (key, pixels) in counts {
                area[key, default: 0] += pixels
                if pixels > largest[key]?.pixels ?? 0 { largest[key] = (pixels, v) }
            }
        }
        var entriesOfKey = [Int32: [Int]]()
        for entry in entryPixels.keys.sorted() { entriesOfKey[entryPixels[entry]!.majorityKey!, default: []].append(entry) }
        return (area, largest.mapValues { inputs.viewNames[$0.view] }, entriesOfKey)
    }
}

extension ObjectPipeline.Inputs {
    /// The training views of a trained model folder, with the masks it was trained on, at the
    /// training resolution.
    public init(trainingViewsOf model: TrainedModel, info: LiftModelInfo, codebook: Codebook,
                backend: RasterBackend) throws {
        let scene = try SegmentedModel.sceneWithTrainingMasks(model, info: info)
        let masks = try LiftTrainingLabels.load(from: scene, indices: scene.trainIndices, downscale: model.config.resolution)
            .map { try SegmentLabels($0) }
        try self.init(gaussians: model.gaussians, codebook: codebook, cameras: scene.trainIndices.map { model.camera(ofView: $0) },
                      masks: masks, viewNames: scene.trainIndices.map { scene.views[$0].name }, backend: backend,
                      threads: model.config.threads)
    }
}
