import SplatMath
import SplatRaster

/// Joins the objects of separately trained blocks of one scene (`splatlift merge`). Each block
/// numbers its objects on its own; two blocks' objects are one object when their Gaussians in the
/// blocks' shared overlap agree, by the voting rule of `GaussianVoting` over the training views the
/// two blocks share: every Gaussian of block A takes the object of block B holding most of its
/// blending weight in B's rendered ids (each mask counting as its majority object), and an object
/// of A joins the object of B that at least `agreement` of its overlap Gaussians voted for; the same
/// from B to A. Joined objects are the connected components of these links.
public enum BlockObjectJoin {
    /// One trained block: all its Gaussians with their object ids and table, its training views
    /// and masks (`ObjectPipeline.Inputs(trainingViewsOf:)`).
    public struct Block {
        public var name: String
        public var inputs: ObjectPipeline.Inputs
        public var objectIDs: [Int32]
        public var table: ObjectTable
        public init(name: String, inputs: ObjectPipeline.Inputs, objectIDs: [Int32], table: ObjectTable) throws {
            guard objectIDs.count == inputs.gaussians.count else {
                throw SplatError("block \(name): \(objectIDs.count) object ids for \(inputs.gaussians.count) Gaussians")
            }
            self.name = name; self.inputs = inputs; self.objectIDs = objectIDs; self.table = table
        }
    }

    /// Object `object` of block `block` (its index) joins object `other` of block `otherBlock`:
    /// `share` of its `gaussians` Gaussians in the overlap voted for it.
    public struct Link: Codable, Sendable, Equatable {
        public var block: Int, object: Int32, otherBlock: Int, other: Int32
        public var gaussians: Int
        public var share: Double
    }

    public struct Settings: Sendable {
        /// Share of an object's overlap Gaussians that must vote for one object of the other block.
        public var agreement: Double
        /// Overlap Gaussians an object needs to be joined by votes at all.
        public var minimumGaussians: Int
        public init(agreement: Double = ObjectSettings().agreement, minimumGaussians: Int = 10) {
            self.agreement = agreement; self.minimumGaussians = minimumGaussians
        }
    }

    /// The links between blocks `a` and `b` (indices into `blocks`); `overlapA` / `overlapB` mark
    /// each block's Gaussians inside the shared overlap.
    public static func links(_ blocks: [Block], a: Int, b: Int, overlapA: [Bool], overlapB: [Bool],
                             settings: Settings) throws -> [Link] {
        try votedLinks(blocks, voters: a, overlap: overlapA, referee: b, settings: settings)
            + votedLinks(blocks, voters: b, overlap: overlapB, referee: a, settings: settings)
    }

    /// Links from the objects of block `voters` to those of block `referee`.
    static func votedLinks(_ blocks: [Block], voters v: Int, overlap: [Bool], referee r: Int,
                           settings: Settings) throws -> [Link] {
        let voters = blocks[v], referee = blocks[r]
        let refereeView = Dictionary(referee.inputs.viewNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let shared = voters.inputs.viewNames.indices.filter { refereeView[voters.inputs.viewNames[$0]] != nil }
        guard !shared.isEmpty, overlap.contains(true) else { return [] }
        let inputs = voters.inputs
        let refereeIDs = try shared.map { s in
            try ObjectIDRendering.pixelIDs(referee.inputs.gaussians, objectIDs: referee.objectIDs,
                                           camera: referee.inputs.cameras[refereeView[inputs.viewNames[s]]!],
                                           backend: inputs.backend, threads: inputs.threads)
        }
        let n = inputs.gaussians.count
        let voted = try GaussianVoting.objectIDs(inputs.gaussians, viewIDs: refereeIDs, cameras: shared.map { inputs.cameras[$0] },
                                                 masks: shared.map { inputs.masks[$0] }, backend: inputs.backend,
                                                 threads: inputs.threads, fallback: { [Int32](repeating: 0, count: n) })
        var tally = [Int32: [Int32: Int]]()
        for i in 0..<n where overlap[i] && voters.objectIDs[i] > 0 { tally[voters.objectIDs[i], default: [:]][voted[i], default: 0] += 1 }
        return tally.keys.sorted().compactMap { object in
            let votes = tally[object]!, total = votes.values.reduce(0, +)
            guard total >= settings.minimumGaussians,
                  let (other, count) = votes.filter({ $0.key > 0 }).max(by: { ($0.value, $1.key) < ($1.value, $0.key) }),
                  Double(count) >= settings.agreement * Double(total) else { return nil }
            return Link(block: v, object: object, otherBlock: r, other: other, gaussians: total, share: Double(count) / Double(total))
        }
    }

    /// The merged model's objects: the components of `links` over every block's objects, numbered
    /// by area on `cameras` (ids 1…K as `ObjectPipeline`), with the blocks' codebooks stacked (each
    /// object owns its blocks' entries, offset by the entries of the blocks before) and each object's
    /// `sources`. `gaussians` are the merged Gaussians: block by block, the ones `kept` marks.
    public static func merged(_ blocks: [Block], kept: [[Bool]], links: [Link], gaussians: GaussianParams,
                              cameras: [PinholeCamera], viewNames: [String], backend: RasterBackend,
                              threads: Int = 0) throws -> (table: ObjectTable, gaussianIDs: [Int32], codebook: Codebook) {
        guard let first = blocks.first, kept.count == blocks.count else { throw SplatError("merge: no blocks") }
        // Nodes: every object of every block; components by union-find.
        var node = [Int: [Int: Int]](), sources: [ObjectTable.Source] = []
        for (b, block) in blocks.enumerated() {
            for object in block.table.objects {
                node[b, default: [:]][object.id] = sources.count
                sources.append(ObjectTable.Source(block: block.name, id: object.id))
            }
        }
        var parent = Array(sources.indices)
        func root(_ x: Int) -> Int { var x = x; while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }; return x }
        for link in links {
            guard let x = node[link.block]?[Int(link.object)], let y = node[link.otherBlock]?[Int(link.other)] else {
                throw SplatError("merge: a link names an object its block's table lacks")
            }
            let (rx, ry) = (root(x), root(y))
            parent[max(rx, ry)] = min(rx, ry)
        }
        var keys: [Int32] = [], entriesOfKey = [Int32: [Int]](), values: [Float] = [], offset = 0
        for (b, block) in blocks.enumerated() {
            for (i, id) in block.objectIDs.enumerated() where kept[b][i] {
                keys.append(id > 0 ? Int32(root(node[b]![Int(id)]!)) : -1)
            }
            for object in block.table.objects {
                entriesOfKey[Int32(root(node[b]![object.id]!)), default: []].append(contentsOf: object.entries.map { $0 + offset })
            }
            offset += block.inputs.codebook.entryCount
            values += block.inputs.codebook.values
        }
        guard keys.count == gaussians.count else { throw SplatError("merge: \(keys.count) kept ids for \(gaussians.count) Gaussians") }
        var area = [Int32: Int](), largest = [Int32: (pixels: Int, view: String)]()
        for (camera, name) in zip(cameras, viewNames) {
            var counts = [Int32: Int]()
            for id in try ObjectIDRendering.pixelIDs(gaussians, objectIDs: keys, camera: camera, backend: backend, threads: threads)
            where id >= 0 { counts[id, default: 0] += 1 }
            for (key, pixels) in counts {
                area[key, default: 0] += pixels
                if pixels > largest[key]?.pixels ?? 0 { largest[key] = (pixels, name) }
            }
        }
        let stages = ObjectTable.StageLog(candidates: sources.count, merges: [], votedObjects: Set(keys.filter { $0 >= 0 }).count,
                                          splitObjects: 0)
        let numbered = ObjectTable.numbered(keys: keys, entriesOfKey: entriesOfKey, parentOfKey: [:], area: area,
                                            largestView: largest.mapValues(\.view), entryCount: offset,
                                            settings: first.table.settings, stages: stages)
        var table = numbered.table
        let ids = numbered.gaussianIDs
        var idOfKey = [Int32: Int]()
        for (key, id) in zip(keys, ids) where key >= 0 { idOfKey[key] = Int(id) }
        for (index, object) in table.objects.enumerated() {
            table.objects[index].sources = sources.indices.filter { idOfKey[Int32(root($0))] == object.id }.map { sources[$0] }
        }
        let codebook = try Codebook(entryCount: offset, featureCount: first.inputs.codebook.featureCount, values: values)
        return (table, ids, codebook)
    }
}
