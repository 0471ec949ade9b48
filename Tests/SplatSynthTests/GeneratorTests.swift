import Foundation
import Testing
import SplatIO
import SplatMath
import SplatTestSupport
@testable import SplatSynth

@Suite struct GeneratorTests {
    @Test func sameSeedWritesByteIdenticalFiles() throws {
        let a = try TestData.temporaryDirectory("synth-a"), b = try TestData.temporaryDirectory("synth-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        try SceneWriter.write(try SceneGenerator.generate(TinyScene.config()), to: a)
        try SceneWriter.write(try SceneGenerator.generate(TinyScene.config()), to: b)
        let files = try FileManager.default.subpathsOfDirectory(atPath: a.path).sorted()
        #expect(files.count > 30)
        for f in files {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: a.appendingPathComponent(f).path, isDirectory: &isDir)
            if isDir.boolValue { continue }
            #expect(try Data(contentsOf: a.appendingPathComponent(f)) == Data(contentsOf: b.appendingPathComponent(f)), "\(f) differs")
        }
        // A different seed gives a different scene.
        let other = try SceneGenerator.generate(TinyScene.config(seed: 4))
        let first = try #require(TinyScene.generated)
        #expect(other.renders[0].rgb8 != first.renders[0].rgb8)
    }

    @Test func everyPixelHasAnInstanceAndEveryObjectIsSeen() throws {
        let g = try #require(TinyScene.generated)
        let ids = Set(g.scene.instances.map(\.id))
        for r in g.renders {
            #expect(r.instance.allSatisfy { ids.contains($0) })
            #expect(r.depth.allSatisfy { $0 > 0 && $0.isFinite })
        }
        for o in g.scene.objects {
            #expect(g.renders.filter { $0.instance.contains(o.id) }.count >= 3, "\(o.name) seen in < 3 views")
        }
        let kinds = Set(g.scene.objects.map(\.kind))
        #expect(kinds.contains("snowman") || kinds.contains("table"), "the 4-object scene has a composite")
    }

    @Test func pointsProjectOntoTheirOwnInstance() throws {
        let g = try #require(TinyScene.generated)
        #expect(g.points.xyz.count > 300)
        var visible = 0, agree = 0
        for (v, cam) in g.scene.cameras.enumerated() {
            let r = g.renders[v]
            for (k, p) in g.points.xyz.enumerated() {
                let (u, vv, z) = cam.project(p)
                guard z > 0, u >= 0, vv >= 0, u < Double(r.width), vv < Double(r.height) else { continue }
                let px = Int(vv) * r.width + Int(u)
                guard abs(Double(r.depth[px]) - z) < 0.03 + 0.01 * z else { continue }
                visible += 1
                if r.instance[px] == g.points.instance[k] { agree += 1 }
            }
        }
        #expect(visible > 1000)
        #expect(Double(agree) / Double(visible) > 0.95, "agreement \(agree)/\(visible)")
        // Tracks reference observations that point back at the point.
        for (k, track) in g.points.tracks.enumerated() {
            #expect(track.count >= 2)
            for (v, j) in track { #expect(g.points.observations[v][j].point == k) }
        }
    }

    @Test func samMasksAreGTUpToRelabellingWhenClean() throws {
        var cfg = TinyScene.config()
        cfg.samRates = .none
        let g = try SceneGenerator.generate(cfg)
        let minArea = max(3, Int((Double(cfg.width * cfg.height) * 1e-4).rounded()))
        for (r, m) in zip(g.renders, g.sam) {
            var gtToMask: [Int32: Set<Int32>] = [:], maskToGT: [Int32: Set<Int32>] = [:], area: [Int32: Int] = [:]
            for (gid, s) in zip(r.instance, m.labels) {
                area[gid, default: 0] += 1
                if s > 0 { gtToMask[gid, default: []].insert(s); maskToGT[s, default: []].insert(gid) }
            }
            #expect(gtToMask.values.allSatisfy { $0.count == 1 } && maskToGT.values.allSatisfy { $0.count == 1 })
            for (gid, s) in zip(r.instance, m.labels) where s == 0 { #expect((area[gid] ?? 0) < minArea) }
        }
    }

    @Test func corruptedMasksShowTheConfiguredEffects() throws {
        var cfg = TinyScene.config()
        cfg.samRates = .none
        cfg.samRates.merge = 1
        cfg.samRates.mergeBackground = 1
        let merged = try SceneGenerator.generate(cfg)
        let objectIDs = Set(merged.scene.objects.map { Int($0.id) })
        for (r, m) in zip(merged.renders, merged.sam) {
            // Every visible object touches the floor or another object, so it never stays alone.
            #expect(m.provenance.count < Set(r.instance).count)
            #expect(m.provenance.allSatisfy { p in !p.src.contains(where: objectIDs.contains) || p.src.count >= 2 })
        }
        cfg.samRates = .none
        cfg.samRates.split = 1
        let split = try SceneGenerator.generate(cfg)
        for (r, m) in zip(split.renders, split.sam) {
            #expect(m.provenance.count > Set(r.instance).count)
            #expect(m.provenance.allSatisfy { $0.src.count == 1 })
        }
        // Default rates over the 6 views: ids contiguous, some corruption, most pixels still masked.
        let g = try #require(TinyScene.generated)
        let tags = g.sam.flatMap { $0.provenance.map(\.tag) }
        #expect(tags.contains { $0 != "ok" })
        let covered = g.sam.reduce(0) { $0 + $1.labels.filter { $0 > 0 }.count }
        #expect(Double(covered) / Double(6 * 48 * 36) > 0.5)
    }

    @Test func filesReadBackWithSizesAndGeometry() throws {
        let g = try #require(TinyScene.generated)
        let dir = try TestData.temporaryDirectory("synth-read")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SceneWriter.write(g, to: dir)
        for v in 0..<g.renders.count {
            let name = SceneWriter.imageName(v)
            let img = try ImageIO.readImage(dir.appendingPathComponent("images/" + name))
            #expect(img.width == 48 && img.height == 36)
            #expect(img.pixels.map { UInt8(($0 * 255).rounded()) } == (0..<3).flatMap { c in (0..<(48 * 36)).map { g.renders[v].rgb8[3 * $0 + c] } })
            let gt = try ImageIO.readLabelMap(dir.appendingPathComponent("gt_instance/" + name))
            #expect(gt.labels == g.renders[v].instance)
            let sam = try ImageIO.readLabelMap(dir.appendingPathComponent("sam_masks/" + name))
            #expect(sam.labels == g.sam[v].labels)
        }
        // scene.json holds every part's pose and size: spheres rest on their support, GT agrees at the centre.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("scene.json")))
        let objects = try #require((json as? [String: Any])?["objects"] as? [[String: Any]])
        #expect(objects.count == g.scene.objects.count)
        for (o, obj) in zip(objects, g.scene.objects) {
            let parts = try #require(o["parts"] as? [[String: Any]])
            #expect(parts.count == obj.parts.count)
            let c = try #require(parts[0]["center"] as? [Double])
            #expect(abs(c[0] - obj.parts[0].center.x) < 1e-12 && abs(c[2] - obj.parts[0].center.z) < 1e-12)
        }
        let split = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("split.json"))) as? [String: [String]]
        #expect(split?["test"] == ["frame_00000.png", "frame_00004.png"])
    }
}

@Suite struct CameraFilesTests {
    @Test func colmapTextBinaryAndTransformsAgreeWithTheCameras() throws {
        let g = try #require(TinyScene.generated)
        let dir = try TestData.temporaryDirectory("synth-cams")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SceneWriter.write(g, to: dir)
        let sparse = dir.appendingPathComponent("sparse/0")
        let text = try ColmapReader.read(directory: sparse, format: .text)
        let binary = try ColmapReader.read(directory: sparse, format: .binary)
        #expect(text == binary)
        #expect(text.images.count == 6 && text.points.count == g.points.xyz.count)
        let cam = try #require(text.cameras[1])
        #expect(cam.model == .pinhole && cam.width == 48 && cam.height == 36 && cam.cx == 24 && cam.cy == 18)
        let transforms = try TransformsReader.read(dir.appendingPathComponent("transforms.json")) { _ in (48, 36) }
        #expect(transforms.frames.count == 6)
        for (v, truth) in g.scene.cameras.enumerated() {
            let im = text.images[v]
            #expect(im.id == v + 1 && im.name == SceneWriter.imageName(v))
            let r = im.qvec.rotationMatrix, f = transforms.frames[v].camera
            for i in 0..<3 {
                for j in 0..<3 {
                    #expect(abs(r[i, j] - truth.rotation[i, j]) < 1e-12)
                    #expect(abs(f.rotation[i, j] - truth.rotation[i, j]) < 1e-9)
                }
                #expect(abs(im.tvec[i] - truth.translation[i]) < 1e-12 && abs(f.translation[i] - truth.translation[i]) < 1e-9)
            }
            #expect(abs(f.fx - truth.fx) < 1e-12 && f.width == 48)
        }
    }
}

@Suite struct SceneLoaderTests {
    @Test func generatedSceneLoadsBackConsistently() throws {
        let g = try #require(TinyScene.generated)
        let dir = try TestData.temporaryDirectory("synth-load")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SceneWriter.write(g, to: dir)
        let scene = try SceneLoader.load(dir)
        #expect(scene.format == .colmapBinary)
        #expect(scene.views.count == 6 && scene.testIndices == [0, 4] && scene.trainIndices == [1, 2, 3, 5])
        #expect(scene.pointCount == g.points.xyz.count && scene.pointColors != nil && !scene.pointColorsFromImages)
        #expect(scene.masksFolder?.lastPathComponent == "sam_masks")
        for (v, view) in scene.views.enumerated() {
            let truth = g.scene.cameras[v]
            #expect(view.name == SceneWriter.imageName(v))
            #expect(view.camera.width == 48 && view.camera.height == 36)
            #expect((view.camera.center - truth.center).length < 1e-9)
            #expect(view.maskURL != nil && view.gtURL != nil)
            #expect(try scene.loadImage(v).pixels.count == 3 * 48 * 36)
            #expect(try scene.loadMask(v)?.labels == g.sam[v].labels)
            #expect(try scene.loadGroundTruth(v)?.labels == g.renders[v].instance)
        }
        let k = g.points.xyz.count / 2
        let p = Vec3(Double(scene.points[3 * k]), Double(scene.points[3 * k + 1]), Double(scene.points[3 * k + 2]))
        #expect((p - g.points.xyz[k]).length < 1e-5)
    }
}
