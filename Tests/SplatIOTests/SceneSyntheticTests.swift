import Foundation
import Testing
import SplatMath
import SplatTestSupport
@testable import SplatIO

/// Fraction of (point, track view) pairs whose projection lands on the point's own GT instance.
/// COLMAP tracks only hold views where the generator's depth test passed, so they are the visible ones.
func instanceAgreement(_ scene: Scene, model: ColmapModel, instances: [Int64: Int32]) throws -> Double {
    let viewOfName = Dictionary(uniqueKeysWithValues: scene.views.enumerated().map { ($1.name, $0) })
    let viewOfImage = Dictionary(uniqueKeysWithValues: model.images.compactMap { im in
        viewOfName[im.name].map { (im.id, $0) } ?? viewOfName["images/" + im.name].map { (im.id, $0) }
    })
    let gt = try scene.views.indices.map { try #require(try scene.loadGroundTruth($0)) }
    var hits = 0, total = 0
    for p in model.points {
        guard let inst = instances[p.id] else { continue }
        for t in p.track {
            guard let v = viewOfImage[t.imageID] else { continue }
            let (u, w, d) = scene.views[v].camera.project(p.xyz)
            total += 1
            guard d > 0, u >= 0, w >= 0, u < Double(gt[v].width), w < Double(gt[v].height) else { continue }
            if gt[v].labels[Int(w) * gt[v].width + Int(u)] == inst { hits += 1 }
        }
    }
    return total == 0 ? 0 : Double(hits) / Double(total)
}

/// The numbers of views and points a synthetic scene's scene.json declares (both generators write them).
func declaredCounts(_ root: URL) throws -> (views: Int, points: Int) {
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("scene.json")))
    let scene = try #require(json as? [String: Any])
    return (try #require(scene["n_views"] as? Int), try #require(scene["n_points3D"] as? Int))
}

func readPointInstances(_ url: URL) throws -> [Int64: Int32] {
    var out: [Int64: Int32] = [:]
    for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
        let f = line.split(separator: " ")
        if f.count == 2, let id = Int64(f[0]), let inst = Int32(f[1]) { out[id] = inst }
    }
    return out
}

/// SplatSynth's scene, and gen_scene.py's when ../shared/data is present.
@Suite struct SceneSyntheticTests {
    @Test(arguments: TestScenes.synthetic)
    func colmapSceneLoadsWithSplitMasksAndGroundTruth(scene name: String) throws {
        let root = try TestScenes.url(name)
        let scene = try SceneLoader.load(root)
        let (n, points) = try declaredCounts(root)
        #expect(scene.format == .colmapBinary)
        #expect(scene.views.count == n)
        #expect(scene.views.map(\.name) == (0..<n).map { String(format: "frame_%05d.png", $0) })
        #expect(scene.splitSource == "split.json")
        #expect(scene.testIndices == scene.views.indices.filter { $0 % 8 == 0 })
        #expect(scene.trainIndices == scene.views.indices.filter { $0 % 8 != 0 })
        #expect(scene.masksFolder?.lastPathComponent == "sam_masks")
        #expect(scene.views.allSatisfy { $0.maskURL != nil && $0.gtURL != nil && $0.distortion == nil })
        #expect(scene.pointCount == points)
        #expect(scene.pointColors != nil && !scene.pointColorsFromImages)

        let image = try scene.loadImage(3)
        let mask = try #require(try scene.loadMask(3))
        #expect(image.width == scene.camera(3).width && image.height == scene.camera(3).height && image.alpha == nil)
        #expect(mask.width == image.width && mask.height == image.height && mask.labels.contains { $0 > 0 })
        let half = try scene.loadImage(3, downscale: 2), halfMask = try #require(try scene.loadMask(3, downscale: 2))
        #expect(half.width == scene.camera(3, downscale: 2).width && half.height == scene.camera(3, downscale: 2).height)
        #expect(halfMask.width == half.width && halfMask.height == half.height)
    }

    @Test(arguments: TestScenes.synthetic)
    func colmapPosesProjectPointsOntoTheirInstances(scene name: String) throws {
        let root = try TestScenes.url(name)
        let scene = try SceneLoader.load(root)
        let model = try ColmapReader.read(directory: root.appendingPathComponent("sparse/0"))
        let instances = try readPointInstances(root.appendingPathComponent("gt_instance/points3D_instance.txt"))
        let agreement = try instanceAgreement(scene, model: model, instances: instances)
        #expect(agreement > 0.95, "agreement \(agreement)")
    }

    @Test(arguments: TestScenes.synthetic)
    func transformsPosesMatchColmapAndProjectPointsOntoTheirInstances(scene name: String) throws {
        let root = try TestScenes.url(name)
        let colmap = try SceneLoader.load(root)
        let scene = try SceneLoader.load(root.appendingPathComponent("transforms.json"))
        #expect(scene.format == .transforms)
        #expect(scene.views.map(\.name) == colmap.views.map { "images/" + $0.name })
        #expect(scene.trainIndices == colmap.trainIndices && scene.testIndices == colmap.testIndices)
        for (a, b) in zip(scene.views, colmap.views) {
            let (ca, cb) = (a.camera, b.camera)
            #expect(ca.width == cb.width && ca.height == cb.height && abs(ca.fx - cb.fx) < 1e-6 && abs(ca.cy - cb.cy) < 1e-9)
            #expect((ca.center - cb.center).length < 1e-9 && (ca.forward - cb.forward).length < 1e-9)
            #expect((ca.rotation * Vec3(1, 2, 3) - cb.rotation * Vec3(1, 2, 3)).length < 1e-9)
            #expect(a.distortion == nil)  // OPENCV with all-zero coefficients is a pinhole
        }
        // sparse_pc.ply holds the points3D cloud in file order.
        #expect(scene.pointCount == colmap.pointCount)
        #expect(zip(scene.points, colmap.points).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(try #require(scene.pointColors).elementsEqual(try #require(colmap.pointColors)))

        let model = try ColmapReader.read(directory: root.appendingPathComponent("sparse/0"))
        let instances = try readPointInstances(root.appendingPathComponent("gt_instance/points3D_instance.txt"))
        let agreement = try instanceAgreement(scene, model: model, instances: instances)
        #expect(agreement > 0.95, "agreement \(agreement)")
    }

    @Test func sceneExtentFollowsTrainCameraCentres() throws {
        let scene = try SceneLoader.load(try TestScenes.tiny())
        let centers = scene.trainIndices.map { scene.views[$0].camera.center }
        let mean = centers.reduce(Vec3.zero, +) / Double(centers.count)
        let expected = 1.1 * centers.map { ($0 - mean).length }.max()!
        #expect(abs(scene.sceneExtent - expected) < 1e-12 && expected > 0)
    }

    @Test func textModelAndEveryEighthSplitWithoutSplitFile() throws {
        let root = try copyToTemporary(try TestScenes.tiny())
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        for f in ["cameras.bin", "images.bin", "points3D.bin"] {
            try FileManager.default.removeItem(at: root.appendingPathComponent("sparse/0/\(f)"))
        }
        try FileManager.default.removeItem(at: root.appendingPathComponent("split.json"))
        try FileManager.default.moveItem(at: root.appendingPathComponent("sam_masks"), to: root.appendingPathComponent("object_mask"))
        let scene = try SceneLoader.load(root)
        #expect(scene.format == .colmapText && scene.splitSource == "every 8th")
        #expect(scene.testIndices == [0, 8] && scene.trainIndices.count == 10)
        #expect(scene.masksFolder?.lastPathComponent == "object_mask")
    }
}
