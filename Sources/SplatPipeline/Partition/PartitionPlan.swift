import Foundation
import SplatIO
import SplatMath
import SplatTrain

/// `plan.json`, written by `splatlift partition` and read by `merge` and the runners
/// (scripts/ray_train_blocks.py, scripts/slurm/): the grid, the ground plane, and per block its
/// bounds, views, scene folder, model folder and the `splatlift` arguments that train it. Paths
/// are absolute, so a runner may start anywhere that sees the same file system.
public struct PartitionPlan: Codable, Sendable, Equatable {
    public static let fileName = "plan.json"
    static let formatName = "splatlift-plan-1"

    public struct Block: Codable, Sendable, Equatable {
        /// `block_<row>_<column>`.
        public var name: String
        public var row: Int
        public var column: Int
        /// The block's own cell: merge keeps the block's Gaussians whose centre lies inside it.
        public var bounds: BlockBounds
        /// The cell grown by the overlap: the block's points and views come from it.
        public var expandedBounds: BlockBounds
        public var points: Int
        public var trainViews: [String]
        public var testViews: [String]
        /// The block's scene folder (symlinked images and masks, filtered COLMAP model, split.json).
        public var scene: String
        /// Where the block's model is trained.
        public var model: String
        /// The point cloud that exists when the block has finished training.
        public var pointCloud: String
        /// `splatlift` arguments that train the block from scratch …
        public var command: [String]
        /// … and that continue it from its checkpoint after an interruption.
        public var resumeCommand: [String]
    }

    public var format = PartitionPlan.formatName
    /// The whole scene and its masks folder (absolute).
    public var scene: String
    public var masks: String
    public var rows: Int
    public var columns: Int
    public var overlap: Double
    public var cameras: CameraAssignment.Settings
    public var ground: GroundPlane
    public var iterations: Int
    public var blocks: [Block]
    /// `splatlift` arguments that merge the trained blocks into `mergedModel`.
    public var mergeCommand: [String]

    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw SplatError("cannot encode the plan: \(error)", path: url.path) }
        try ModelFolder.writeAtomically(data, to: url)
    }

    /// Reads `plan.json` from a plan folder (or the file itself).
    public static func load(_ url: URL) throws -> PartitionPlan {
        let file = url.hasDirectoryPath || url.pathExtension != "json" ? url.appendingPathComponent(fileName) : url
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw SplatError("cannot read the plan (\(error.localizedDescription)); write one with `splatlift partition`", path: file.path)
        }
        let plan: PartitionPlan
        do { plan = try JSONDecoder().decode(PartitionPlan.self, from: data) } catch {
            throw SplatError("not a partition plan (\(JSONErrorText.describe(error)))", path: file.path)
        }
        guard plan.format == formatName else { throw SplatError("unknown plan format \"\(plan.format)\"", path: file.path) }
        guard plan.blocks.count == plan.rows * plan.columns, !plan.blocks.isEmpty else {
            throw SplatError("the plan lists \(plan.blocks.count) blocks for a \(plan.rows)x\(plan.columns) grid", path: file.path)
        }
        return plan
    }
}
