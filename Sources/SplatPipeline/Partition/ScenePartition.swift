import Foundation
import SplatIO
import SplatMath
import SplatTrain

/// `splatlift partition`: cuts a COLMAP scene into a grid of overlapping blocks, each an ordinary
/// scene folder trained by the unchanged `splatlift train`, and writes `plan.json`
/// (docs/SCALE.md). The plan folder holds `plan.json`, `blocks/<name>/` (the scenes) and,
/// once trained, `models/<name>/`; `merge` writes `merged/` by default.
public struct ScenePartition {
    public var scene: URL
    public var rows: Int
    public var columns: Int
    /// Each block's bounds grow by this fraction of its size on every inner side.
    public var overlap = 0.2
    public var cameras = CameraAssignment.Settings()
    /// `train` options given to every block: `--iterations`, `-r`, and any others verbatim.
    public var iterations = TrainConfig().iterations
    public var resolution = 1
    public var trainArguments: [String] = []

    public init(scene: URL, rows: Int, columns: Int) {
        self.scene = scene; self.rows = rows; self.columns = columns
    }

    /// The most blocks a grid may have.
    public static let maxBlocks = 1024

    /// Parses "NxM" (rows along the scene's long axis × columns).
    public static func grid(_ text: String) throws -> (rows: Int, columns: Int) {
        let parts = text.lowercased().split(separator: "x")
        // rows and columns are capped before they are multiplied: 9999999999x9999999999 overflowed Int.
        guard parts.count == 2, let rows = Int(parts[0]), let columns = Int(parts[1]), (1...maxBlocks).contains(rows),
              (1...maxBlocks).contains(columns), rows * columns >= 2, rows * columns <= maxBlocks else {
            throw SplatError("--blocks must be NxM with 2 to \(maxBlocks) blocks, e.g. 2x2; got '\(text)'")
        }
        return (rows, columns)
    }

    /// Writes the plan folder `out` (new or empty) and returns the plan.
    @discardableResult
    public func write(to out: URL) throws -> PartitionPlan {
        guard (0..<1).contains(overlap) else { throw SplatError("--overlap must lie in [0, 1), got \(overlap)") }
        guard (0...1).contains(cameras.visibility), cameras.minimum >= 1 else {
            throw SplatError("--visibility must lie in [0, 1] and --min-cameras be at least 1")
        }
        let loaded = try SceneLoader.load(scene)
        guard loaded.format == .colmapBinary || loaded.format == .colmapText else {
            throw SplatError("partition needs a COLMAP scene (sparse/0); this one has \(loaded.format.rawValue) poses", path: scene.path)
        }
        guard let masks = loaded.masksFolder else {
            throw SplatError("the scene has no sam_masks/ or object_mask/ folder: blocks are trained with masks so merge can join their objects",
                             path: scene.path)
        }
        let sparse = scene.appendingPathComponent("sparse/0")
        let colmap = try ColmapReader.read(directory: FileManager.default.fileExists(atPath: sparse.path)
                                           ? sparse : scene.appendingPathComponent("sparse"))
        let points = colmap.points.flatMap { [Float($0.xyz.x), Float($0.xyz.y), Float($0.xyz.z)] }
        let ground = try GroundPlane.fit(points: points, cameras: loaded.views.map(\.camera))
        let coordinates = ground.coordinates(of: points)
        let cells = try ProgressivePartition.cells(coordinates, rows: rows, columns: columns)
        // An outer block's size is measured to the 2nd / 98th percentile of the points, not to a far backdrop.
        let us = coordinates.map { $0.u }.sorted(), vs = coordinates.map { $0.v }.sorted()
        let low = us.count / 50, high = us.count - 1 - us.count / 50
        let extent = (minU: us[low], maxU: us[high], minV: vs[low], maxV: vs[high])
        let expanded = cells.map { $0.expanded(by: overlap, extent: extent) }
        let views = CameraAssignment.assign(blocks: expanded, cameras: loaded.views.map(\.camera),
                                            trainViews: Set(loaded.trainIndices), points: points,
                                            observations: CameraAssignment.observations(colmap, names: loaded.views.map(\.name)),
                                            ground: ground,
                                            settings: cameras)
        let root = out.standardizedFileURL
        let test = Set(loaded.testIndices)
        var blocks: [PartitionPlan.Block] = []
        try StagedFolder.write(root) { staging in
            for (b, cell) in cells.enumerated() {
                let name = "block_\(b / columns)_\(b % columns)"
                let inBlock = coordinates.map { expanded[b].contains(u: $0.u, v: $0.v) }
                try BlockSceneWriter.write(views: views[b], pointInBlock: inBlock, scene: loaded, colmap: colmap,
                                           to: staging.appendingPathComponent("blocks/\(name)"))
                blocks.append(block(name, index: b, bounds: cell, expanded: expanded[b], points: inBlock.filter { $0 }.count,
                                    views: views[b].map { loaded.views[$0].name }, test: views[b].filter(test.contains).map { loaded.views[$0].name },
                                    root: root))
            }
            let plan = PartitionPlan(scene: scene.standardizedFileURL.path, masks: masks.standardizedFileURL.path, rows: rows,
                                     columns: columns, overlap: overlap, cameras: cameras, ground: ground, iterations: iterations,
                                     blocks: blocks, mergeCommand: ["merge", root.path, "--out", root.appendingPathComponent("merged").path])
            try plan.save(to: staging.appendingPathComponent(PartitionPlan.fileName))
        }
        return try PartitionPlan.load(root)
    }

    func block(_ name: String, index: Int, bounds: BlockBounds, expanded: BlockBounds, points: Int, views: [String],
               test: [String], root: URL) -> PartitionPlan.Block {
        let scenePath = root.appendingPathComponent("blocks/\(name)").path
        let model = root.appendingPathComponent("models/\(name)").path
        let testSet = Set(test)
        return PartitionPlan.Block(
            name: name, row: index / columns, column: index % columns, bounds: bounds, expandedBounds: expanded, points: points,
            trainViews: views.filter { !testSet.contains($0) }, testViews: test, scene: scenePath, model: model,
            pointCloud: "\(model)/point_cloud/iteration_\(iterations)/point_cloud.ply",
            command: ["train", scenePath, "--out", model, "--iterations", String(iterations), "-r", String(resolution)] + trainArguments,
            resumeCommand: ["train", scenePath, "--out", model, "--resume"])
    }
}
