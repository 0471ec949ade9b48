import Foundation
import SplatIO
import SplatMath
import SplatTrain

/// `plan.json`, written by `splatlift partition` and read by `merge` and the runners
/// (scripts/ray_train_blocks.py, scripts/slurm/): the grid, the ground plane, and per block its
/// bounds, views, scene folder, model folder and the `splatlift` arguments that train it. Paths
/// are absolute, so a runner may start anywhere that sees the same file system.
public struct PartitionPlan: VersionedJSONFile, Sendable, Equatable {
    public static let fileName = "plan.json"
    public static let formatName = "splatlift-plan-1"
    public static let kind = "partition plan"

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
        try JSONFiles.write(self, to: url, what: "the plan")
    }

    /// Reads `plan.json` from a plan folder (or the file itself).
    public static func load(_ url: URL) throws -> PartitionPlan {
        let file = url.hasDirectoryPath || url.pathExtension != "json" ? url.appendingPathComponent(fileName) : url
        let plan = try JSONFiles.read(PartitionPlan.self, from: file, hint: "write one with `splatlift partition`")
        if let problem = plan.problem { throw SplatError(problem, path: file.path) }
        return plan
    }

    /// What makes a decoded plan unusable by `merge`, or nil: the grid and its blocks (one per
    /// cell, inside the grid), the ground plane's axes (three finite numbers, not zero), bounds
    /// and settings in range. JSON numbers are finite, but a plan edited by hand may hold anything.
    var problem: String? {
        let maxBlocks = ScenePartition.maxBlocks
        guard rows >= 1, columns >= 1, rows <= maxBlocks, columns <= maxBlocks, rows * columns <= maxBlocks else {
            return "grid \(rows)x\(columns) must have 1 to \(maxBlocks) blocks"
        }
        guard blocks.count == rows * columns else { return "the plan lists \(blocks.count) blocks for a \(rows)x\(columns) grid" }
        var cells = Set<Int>()
        for (k, block) in blocks.enumerated() {
            guard (0..<rows).contains(block.row), (0..<columns).contains(block.column) else {
                return "blocks[\(k)] (\(block.name)) is at row \(block.row), column \(block.column), outside the \(rows)x\(columns) grid"
            }
            guard cells.insert(block.row * columns + block.column).inserted else {
                return "blocks[\(k)] (\(block.name)) repeats the cell at row \(block.row), column \(block.column)"
            }
            for (what, bounds) in [("bounds", block.bounds), ("expandedBounds", block.expandedBounds)] {
                if let lo = bounds.minU, let hi = bounds.maxU, lo > hi { return "blocks[\(k)].\(what): minU \(lo) is above maxU \(hi)" }
                if let lo = bounds.minV, let hi = bounds.maxV, lo > hi { return "blocks[\(k)].\(what): minV \(lo) is above maxV \(hi)" }
            }
            guard block.points >= 0 else { return "blocks[\(k)].points is negative (\(block.points))" }
        }
        for (what, axis) in [("up", ground.up), ("axisU", ground.axisU), ("axisV", ground.axisV)] {
            guard axis.count == 3, axis.allSatisfy(\.isFinite), axis.contains(where: { $0 != 0 }) else {
                return "ground.\(what) must be three finite numbers, not all 0"
            }
        }
        guard overlap.isFinite, overlap >= 0 else { return "overlap \(overlap) must be 0 or more" }
        guard (0...1).contains(cameras.visibility) else { return "cameras.visibility \(cameras.visibility) must be in 0...1" }
        guard cameras.minimum >= 0 else { return "cameras.minimum \(cameras.minimum) must be 0 or more" }
        guard iterations >= 1 else { return "iterations \(iterations) must be 1 or more" }
        return nil
    }
}
