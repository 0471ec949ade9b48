import Foundation
import SplatIO
import SplatMath
import SplatPipeline
import SplatTestSupport
import Testing

/// `splatlift partition`'s pieces: the progressive partition, bounds, the ground plane, the block
/// scene folders and plan, and its one-line errors (BlockMergeTests trains and merges blocks).
@Suite struct PartitionTests {
    @Test func progressivePartitionCutsEqualCountsAndCoversThePlane() throws {
        var rng = SplatRandom(seed: 7)
        let points = (0..<1200).map { _ in (u: -5 + 25 * rng.uniform(), v: (2 * rng.uniform() - 1) * 3 * rng.uniform()) }
        let cells = try ProgressivePartition.cells(points, rows: 2, columns: 3)
        #expect(cells.count == 6)
        let counts = cells.map { cell in points.filter { cell.contains(u: $0.u, v: $0.v) }.count }
        #expect(counts.allSatisfy { abs($0 - 200) <= 1 }, "\(counts)")
        #expect(points.allSatisfy { p in cells.filter { $0.contains(u: p.u, v: p.v) }.count == 1 })
        // Outer edges are unbounded: far points still fall in a block.
        #expect(cells.filter { $0.contains(u: 1e6, v: -1e6) }.count == 1)
    }

    @Test func boundsGrowOnInnerSidesAndIntersect() throws {
        let a = BlockBounds(minU: nil, maxU: 4, minV: nil, maxV: nil)
        let b = BlockBounds(minU: 4, maxU: nil, minV: nil, maxV: nil)
        let grown = a.expanded(by: 0.25, extent: (minU: 0, maxU: 10, minV: -1, maxV: 1))
        #expect(grown == BlockBounds(minU: nil, maxU: 5, minV: nil, maxV: nil))
        let overlap = try #require(grown.intersection(b.expanded(by: 0.25, extent: (minU: 0, maxU: 10, minV: -1, maxV: 1))))
        #expect(overlap.minU == 2.5 && overlap.maxU == 5)
        #expect(a.intersection(BlockBounds(minU: 6, maxU: 7, minV: nil, maxV: nil)) == nil)
    }

    @Test func gridTextIsParsedOrRefusedInOneLine() throws {
        #expect(try ScenePartition.grid("2x3") == (rows: 2, columns: 3))
        // 9999999999x9999999999 trapped on Int overflow before rows and columns were capped (#18).
        for bad in ["3", "0x2", "1x1", "axb", "2x2x2", "9999999999x9999999999", "1x1025", "-1x2"] {
            let error = #expect(throws: SplatError.self) { try ScenePartition.grid(bad) }
            #expect(error?.message.contains("--blocks must be NxM") == true)
        }
    }

    @Test func tinySceneIsCutIntoLoadableBlockScenes() throws {
        let scene = try TestScenes.tiny()
        let out = try TestData.temporaryDirectory("partition").appendingPathComponent("plan")
        var partition = ScenePartition(scene: scene, rows: 1, columns: 2)
        partition.cameras.minimum = 4
        partition.iterations = 50
        let plan = try partition.write(to: out)
        #expect(plan.ground.method == .cameraUp && abs(plan.ground.up[2]) > 0.99)  // SplatSynth scenes are z-up
        #expect(plan.blocks.map(\.name) == ["block_0_0", "block_0_1"])
        let whole = try SceneLoader.load(scene)
        let wholeTest = Set(whole.testIndices.map { whole.views[$0].name })
        for block in plan.blocks {
            let loaded = try SceneLoader.load(URL(fileURLWithPath: block.scene))
            #expect(loaded.views.count == block.trainViews.count + block.testViews.count)
            #expect(block.trainViews.count >= 4 && Set(block.testViews).isSubset(of: wholeTest))
            #expect(loaded.masksFolder != nil && loaded.pointCount == block.points)
            let coordinates = plan.ground.coordinates(of: loaded.points)
            #expect(coordinates.allSatisfy { block.expandedBounds.contains(u: $0.u, v: $0.v) })
            #expect(block.command.prefix(4) == ["train", block.scene, "--out", block.model])
            #expect(block.pointCloud.hasSuffix("iteration_50/point_cloud.ply"))
        }
        let coordinates = plan.ground.coordinates(of: whole.points)
        #expect(coordinates.allSatisfy { c in plan.blocks.filter { $0.bounds.contains(u: c.u, v: c.v) }.count == 1 })
        #expect(try PartitionPlan.load(out) == plan)
        // The folder now holds a plan: writing another into it is refused.
        #expect(throws: SplatError.self) { try partition.write(to: out) }
    }

    @Test func badInputIsRefusedNamingTheProblem() throws {
        let scene = try TestScenes.tiny()
        let dir = try TestData.temporaryDirectory("partition-bad")
        var partition = ScenePartition(scene: scene, rows: 1, columns: 2)
        partition.overlap = 1
        #expect((#expect(throws: SplatError.self) { try partition.write(to: dir.appendingPathComponent("a")) })?
            .message.contains("--overlap") == true)
        // A scene without masks.
        let bare = dir.appendingPathComponent("bare")
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        for name in ["images", "sparse"] {
            try FileManager.default.createSymbolicLink(at: bare.appendingPathComponent(name),
                                                       withDestinationURL: scene.appendingPathComponent(name))
        }
        let error = #expect(throws: SplatError.self) {
            try ScenePartition(scene: bare, rows: 1, columns: 2).write(to: dir.appendingPathComponent("b"))
        }
        #expect(error?.message.contains("sam_masks") == true)
        #expect((#expect(throws: SplatError.self) { try PartitionPlan.load(dir) })?.message.contains("splatlift partition") == true)
    }
}
