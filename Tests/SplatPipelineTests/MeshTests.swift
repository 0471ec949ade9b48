import Foundation
import SplatEdit
import SplatMath
import SplatPipeline
import SplatRaster
import SplatTestSupport
import Testing

@Suite struct MeshTests {
    @Test(.enabled(if: TestData.available, "needs ../shared/data"))
    func groundTruthShapesOfBothSceneLayouts() throws {
        // gen_scene.py layout: tiny-1's object 6 is a sphere resting on the floor.
        let tiny = try GroundTruthShapes.read(try #require(TestData.url("synthetic/tiny-1/scene.json")))
        guard case .sphere(let center, let radius)? = tiny[6]?.first else { Issue.record("no sphere 6"); return }
        #expect(abs(center.z - radius) < 1e-9)
        #expect(tiny[7] == nil)  // the snowman has a cone nose: no analytic shape
        // bench-3's box_0 (id 12) rests on the table: its points lie on the box surface, none on the bottom face.
        let bench = try GroundTruthShapes.read(try #require(TestData.url("synthetic/bench-3/scene.json")))
        guard case .box(let c, let r, let e)? = bench[12]?.first else { Issue.record("no box 12"); return }
        let points = GroundTruthShapes.surfacePoints(try #require(bench[12]), count: 500)
        for i in 0..<(points.count / 3) {
            let local = r.transposed * (Vec3(Double(points[3 * i]), Double(points[3 * i + 1]), Double(points[3 * i + 2])) - c)
            let face = (0..<3).map { abs(abs(local[$0]) - e[$0]) < 1e-6 }
            #expect(face.contains(true) && (0..<3).allSatisfy { abs(local[$0]) <= e[$0] + 1e-6 })
            #expect(local.z > -e.z + 1e-6)
        }
    }

    /// The tiny scene's sphere (SplatSynth's scene.json layout), meshed after a short joint run.
    @Test func sphereMeshIsCloseToTheGroundTruth() throws {
        let model = try EditableModel.load(try TrainedScenes.tiny.get())
        let backend = CPURasterizer()
        let shapes = try GroundTruthShapes.read(model.scene.root.appendingPathComponent("scene.json"))
        let spheres = shapes.filter { if $0.value.count == 1, case .sphere? = $0.value.first { true } else { false } }
        let sphere = try #require(spheres.min { $0.key < $1.key })
        let ids = try model.predictedIDs(ofGroundTruth: sphere.key, backend: backend)
        let selection = try model.selectGaussians(ids: ids)
        let result = try model.meshObject(ids: ids, selection: selection, backend: backend)
        let truth = GroundTruthShapes.surfacePoints(sphere.value, count: 20_000)
        let samples = ChamferDistance.samplePoints(on: result.mesh, count: 20_000, seed: 3)
        let chamfer = ChamferDistance.symmetric(samples, truth)
        let coverage = ChamferDistance.nearestDistances(from: truth, to: samples)
        let completeness = coverage.reduce(0, +) / Double(coverage.count)
        print("tiny scene sphere \(sphere.key): ids \(ids.sorted()), \(result.mesh.triangleCount) triangles, voxel \(result.voxelSize), "
              + "chamfer \(chamfer) = \(100 * chamfer / model.scene.sceneExtent)% of the extent \(model.scene.sceneExtent), "
              + "GT→mesh \(completeness)")
        // The whole sphere is meshed: every GT surface point is near the mesh. (The symmetric
        // distance also counts whatever else shares the sphere's id: after this short run at 64×48
        // a touching object can share it, as the SAM masks merge touching objects.)
        #expect(completeness <= 0.02 * model.scene.sceneExtent)
        #expect(chamfer <= 0.05 * model.scene.sceneExtent)
        // The mesh file round-trips through the writer.
        let out = try TestData.temporaryDirectory("mesh").appendingPathComponent("sphere.obj")
        try MeshWriter.write(result.mesh, to: out)
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("# written by SplatLift"))
    }
}
