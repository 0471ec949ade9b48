import Foundation
import SplatIO
import SplatMath

/// A segmented model's objects (`objects.json`): ids 1…K (0 = no object), given densely in the order
/// of their area on the training views and kept by edits (after `remove`, the others keep theirs), each with the codebook entries it owns, the object it was split off
/// (if any), its Gaussian count, its pixel area, its colour and an optional name. Together with the
/// point cloud's per-Gaussian `object_id` it is the whole result of `ObjectPipeline`; pixel ids are
/// always rendered from the Gaussians' ids (`ObjectIDRendering`).
public struct ObjectTable: VersionedJSONFile, Sendable, Equatable {
    public static let fileName = "objects.json"
    public static let formatName = "splatlift-objects-2"
    public static let kind = "object table"

    public struct Object: Codable, Sendable, Equatable {
        /// 1…K.
        public var id: Int
        /// The codebook entries whose argmax pixels and Gaussians belong to this object (empty for an
        /// object split off another: it shares its parent's entries).
        public var entries: [Int]
        /// The object this one was split off by space, if any.
        public var parent: Int?
        public var gaussians: Int
        /// Pixels that show the object, summed over the training views at the training resolution.
        public var area: Int
        /// The training view where the object covers the most pixels (for contact sheets).
        public var largestView: String?
        /// "#rrggbb": the overlay colour of `id` (`SegmentationOverlay.color`).
        public var color: String
        public var name: String?
        /// For a model merged from blocks (`splatlift merge`): the blocks' objects joined into this one.
        public var sources: [Source]? = nil
    }

    /// Object `id` of the block `block` of a partition plan.
    public struct Source: Codable, Sendable, Equatable, Hashable {
        public var block: String
        public var id: Int
        public init(block: String, id: Int) { self.block = block; self.id = id }
    }

    /// What each stage of the pipeline did, for reading and for the ablation tables.
    public struct StageLog: Codable, Sendable, Equatable {
        /// Candidate objects of stage 1: codebook entries that win some training pixel, or mask clusters.
        public var candidates: Int
        public var merges: [EntryGroups.Merge]
        /// Objects after grouping and voting, before splitting.
        public var votedObjects: Int
        public var splitObjects: Int
    }

    public var format: String = ObjectTable.formatName
    public var entryCount: Int
    public var settings: ObjectSettings
    public var objects: [Object]
    public var stages: StageLog

    public var ids: [Int] { objects.map(\.id) }

    public func object(_ id: Int) -> Object? {
        objects.first { $0.id == id }
    }

    /// The object of every codebook entry (0 when the entry belongs to none).
    public var objectOfEntry: [Int32] {
        var result = [Int32](repeating: 0, count: entryCount)
        for object in objects { for entry in object.entries { result[entry] = Int32(object.id) } }
        return result
    }

    /// "valid ids are 1…K" for error messages, with names where given.
    public var validIDsText: String {
        guard !objects.isEmpty else { return "the model has no objects" }
        let named = objects.compactMap { o in o.name.map { "\(o.id)=\($0)" } }
        let ids = objects.map(\.id)
        let list = ids == Array(1...ids.count) ? "1…\(ids.count)" : ids.map(String.init).joined(separator: ", ")
        return "valid ids are \(list)" + (named.isEmpty ? "" : " (" + named.joined(separator: ", ") + ")")
    }

    /// Numbers the pipeline's objects densely: `keys` are the final per-Gaussian object keys
    /// (−1: none), `entriesOfKey` the codebook entries of each key, `parentOfKey` the key a split
    /// object came from, `area[key]` / `largestView[key]` their pixels on the training views. Ids
    /// go by descending area (ties: smaller key). Returns the table and the Gaussians' dense ids.
    static func numbered(keys: [Int32], entriesOfKey: [Int32: [Int]], parentOfKey: [Int32: Int32],
                         area: [Int32: Int], largestView: [Int32: String], entryCount: Int,
                         settings: ObjectSettings, stages: StageLog) -> (table: ObjectTable, gaussianIDs: [Int32]) {
        var gaussians = [Int32: Int]()
        for key in keys where key >= 0 { gaussians[key, default: 0] += 1 }
        let order = gaussians.keys.sorted { (area[$0] ?? 0, $1) > (area[$1] ?? 0, $0) }
        var idOfKey = [Int32: Int]()
        for (rank, key) in order.enumerated() { idOfKey[key] = rank + 1 }
        let objects = order.map { key in
            let id = idOfKey[key]!
            return Object(id: id, entries: entriesOfKey[key] ?? [], parent: parentOfKey[key].flatMap { idOfKey[$0] },
                          gaussians: gaussians[key]!, area: area[key] ?? 0, largestView: largestView[key],
                          color: hexColor(SegmentationOverlay.color(of: Int32(id))), name: nil)
        }
        let table = ObjectTable(entryCount: entryCount, settings: settings, objects: objects, stages: stages)
        return (table, keys.map { key in key >= 0 ? Int32(idOfKey[key]!) : 0 })
    }

    /// The table of a model whose Gaussians now carry `gaussianIDs` (after an edit): Gaussian
    /// counts recounted, objects left without Gaussians dropped, every other id, area and name kept.
    public func keeping(gaussianIDs: [Int32]) -> ObjectTable {
        var count = [Int: Int]()
        for id in gaussianIDs where id > 0 { count[Int(id), default: 0] += 1 }
        var table = self
        table.objects = objects.compactMap { object in
            guard let n = count[object.id] else { return nil }
            var kept = object
            kept.gaussians = n
            if let parent = kept.parent, count[parent] == nil { kept.parent = nil }
            return kept
        }
        return table
    }

    static func hexColor(_ c: SIMD3<Float>) -> String {
        let byte = { (v: Float) in Int((min(max(v, 0), 1) * 255).rounded()) }
        return String(format: "#%02x%02x%02x", byte(c.x), byte(c.y), byte(c.z))
    }
}

extension ObjectTable {
    /// Writes `objects.json` (pretty-printed, sorted keys), atomically.
    public func save(to url: URL) throws {
        try JSONFiles.write(self, to: url, what: "the object table")
    }

    /// Reads and checks a file written by `save`. A file from before dense object ids (format
    /// `splatlift-objects-1`) is refused with the command that upgrades the model.
    public static func load(from url: URL) throws -> ObjectTable {
        if let data = try? Data(contentsOf: url),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           json["format"] as? String == "splatlift-objects-1" {
            throw SplatError("written by an older SplatLift (codebook-entry ids); run `splatlift group MODEL` to upgrade the model",
                             path: url.path)
        }
        let table = try JSONFiles.read(ObjectTable.self, from: url)
        do { try table.validate() } catch let error as SplatError { throw SplatError(error.message, path: url.path) }
        return table
    }

    /// Ids positive and ascending, entries inside the codebook and owned once, parents among the ids.
    func validate() throws {
        try settings.validate()
        guard (1...65_535).contains(entryCount) else {
            throw SplatError("entryCount \(entryCount) is outside 1...65535 (the codebook sizes SplatLift trains)")
        }
        var owner = [Int: Int]()
        let ids = Set(objects.map(\.id))
        for (index, object) in objects.enumerated() {
            guard object.id >= 1, index == 0 || object.id > objects[index - 1].id else {
                throw SplatError("object id \(object.id) is not above the one before it: ids must be positive and ascending")
            }
            guard object.id <= 65_535 else { throw SplatError("object id \(object.id) is above 65535 (ids are 16-bit in label maps)") }
            guard object.gaussians >= 0, object.area >= 0 else { throw SplatError("object \(object.id) has a negative count") }
            if let parent = object.parent, !ids.contains(parent) || parent == object.id {
                throw SplatError("object \(object.id) names parent \(parent), which is not another object")
            }
            for entry in object.entries {
                guard entry >= 0, entry < entryCount else {
                    throw SplatError("object \(object.id) owns entry \(entry), outside the \(entryCount)-entry codebook")
                }
                if let other = owner.updateValue(object.id, forKey: entry) {
                    throw SplatError("entry \(entry) belongs to objects \(other) and \(object.id)")
                }
            }
        }
    }
}
