import Foundation
import SplatEdit
import SplatIO
import SplatLift
import SplatMath
import SplatPipeline
import SplatRaster
import SplatTestSupport
import SplatTrain
import Testing

/// Extract / remove / select on the small scene after a short joint training run.
@Suite(.serialized)
struct ObjectEditTests {
    let backend = CPURasterizer()

    /// The largest non-background GT object of the small scene and its predicted ids.
    func largestObject(_ model: EditableModel) throws -> (Int32, Set<Int32>) {
        let (objects, _) = try groundTruthObjects(model)
        var areas = [Int32: Int]()
        for index in model.scene.trainIndices {
            for label in try #require(try model.scene.loadGroundTruth(index)).labels where objects.contains(label) {
                areas[label, default: 0] += 1
            }
        }
        let target = try #require(areas.max { $0.value < $1.value }?.key)
        return (target, try model.predictedIDs(ofGroundTruth: target, backend: backend))
    }

    func groundTruthObjects(_ model: EditableModel) throws -> (Set<Int32>, Set<Int32>) {
        let shapes = try GroundTruthShapes.read(model.scene.root.appendingPathComponent("scene.json"))
        _ = shapes
        let data = try Data(contentsOf: model.scene.root.appendingPathComponent("gt_instance/instances.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        var objects = Set<Int32>(), background = Set<Int32>()
        for (key, value) in json {
            let id = try #require(Int32(key))
            if value["is_background"] as? Bool == true { background.insert(id) } else { objects.insert(id) }
        }
        return (objects, background)
    }

    @Test func extractedObjectMatchesGroundTruthAndRemovalKeepsTheRest() throws {
        let url = try TrainedScenes.small.get()
        let model = try EditableModel.load(url)
        let (target, ids) = try largestObject(model)
        let selection = try model.selectGaussians(ids: ids)
        let dir = try TestData.temporaryDirectory("removed")
        try model.writeRemoved(selection, to: dir)
        let removed = try TrainedModel.load(ModelFolder(dir))
        #expect(removed.gaussians.count == model.gaussians.count - selection.filter { $0 }.count)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("codebook.json").path))
        // The folder is complete: its object table holds the other objects under their ids, its
        // pixels show them where they showed before, and `eval` scores it.
        let edited = try #require(try SegmentedModel.load(removed))
        #expect(edited.table.ids == model.table.ids.filter { !ids.contains(Int32($0)) })
        let view = model.scene.testIndices[0]
        let before = try model.pixelIDs(view: view, backend: backend), after = try edited.pixelIDs(view: view, backend: backend)
        let kept = before.indices.filter { !ids.contains(before[$0]) }
        #expect(kept.filter { before[$0] == after[$0] }.count >= kept.count * 95 / 100)
        #expect(try SegmentationEvaluation.evaluate(edited, split: .test, groundTruthFolder: nil, backend: backend).views.count > 0)
        // An existing folder that is not a model is refused; the input itself too.
        let notAModel = try TestData.temporaryDirectory("not-a-model")
        try Data("x".utf8).write(to: notAModel.appendingPathComponent("notes.txt"))
        #expect(throws: SplatError.self) { try model.writeRemoved(selection, to: notAModel) }
        #expect(throws: SplatError.self) { try model.writeRemoved(selection, to: url) }
        let (_, background) = try groundTruthObjects(model)
        let scores = try model.evaluateEdit(groundTruthID: target, ids: ids, selection: selection, removed: removed.gaussians,
                                            mesh: nil, shapes: [:], backgroundIDs: background, backend: backend)
        print("small scene object \(target) ids \(ids.sorted()): IoU \(scores.extractIoU) visible \(scores.extractVisibleIoU) "
              + "change \(scores.removedObjectChange) others \(scores.othersPSNRFull)->\(scores.othersPSNRRemoved) "
              + "objects \(scores.otherObjectsPSNRFull)->\(scores.otherObjectsPSNRRemoved)")
        #expect(scores.extractVisibleIoU >= 0.85)
        #expect(scores.removedObjectChange > 0.05)
        #expect(abs(scores.othersPSNRFull - scores.othersPSNRRemoved) <= 1)
    }

    @Test func pixelAndMaskSelectionsAgreeWithTheIDs() throws {
        let model = try EditableModel.load(try TrainedScenes.small.get())
        let (target, ids) = try largestObject(model)
        let (view, mask, _) = try model.largestTrainingView(of: target)
        // The mask rule on a PNG file gives the same ids as on the in-memory mask.
        let camera = model.trained.camera(ofView: view)
        let png = try TestData.temporaryDirectory("mask").appendingPathComponent("mask.png")
        let hw = camera.width * camera.height
        var pixels = [Float](repeating: 0, count: 3 * hw)
        for p in 0..<hw where mask[p] { for c in 0..<3 { pixels[c * hw + p] = 1 } }
        try ImageIO.writePNG(RGBImage(width: camera.width, height: camera.height, pixels: pixels), to: png)
        #expect(try model.resolve(.maskFile(view: model.scene.views[view].name, url: png), backend: backend) == ids)
        // A pixel whose rendered id is selected resolves to exactly that id.
        let predicted = try model.pixelIDs(view: view, backend: backend)
        let p = try #require(predicted.indices.first { mask[$0] && ids.contains(predicted[$0]) })
        let picked = try model.resolve(.pixel(view: String(view), x: p % camera.width, y: p / camera.width), backend: backend)
        #expect(picked == [predicted[p]])
        // Threshold selection: softmax > 0.5 for k implies that the Gaussian's own argmax is k, so
        // it stays inside the selection by own-feature ids (not the voted ones); a lower threshold
        // selects a superset.
        let (n, d) = (model.gaussians.count, model.gaussians.featureCount)
        let planar = (0..<(n * d)).map { model.gaussians.features[($0 % n) * d + $0 / n] }
        let ownIDs = try LiftInference.pixelIDs(features: planar, pixelCount: n, codebook: model.codebook, table: model.table)
        let byOwnID = ObjectSelection.gaussians(withIDs: ids, objectIDs: ownIDs)
        let strict = try model.selectGaussians(ids: ids, threshold: 0.5)
        let loose = try model.selectGaussians(ids: ids, threshold: 0.3)
        #expect(zip(strict, byOwnID).allSatisfy { !$0.0 || $0.1 })
        #expect(zip(strict, loose).allSatisfy { !$0.0 || $0.1 })
        #expect(strict.contains(true))
    }

    /// A split-off object (here: half of the largest object's Gaussians moved to a new id) shares its
    /// features with the object it came from: threshold selection takes it by its id only.
    @Test func thresholdSelectionKeepsSplitOffObjectsApart() throws {
        let source = try TrainedScenes.small.get()
        let dir = try TestData.temporaryDirectory("split-model").appendingPathComponent("model")
        try FileManager.default.copyItem(at: source, to: dir)
        let original = try EditableModel.load(dir)
        let (_, ids) = try largestObject(original)
        let object = try #require(ids.min())
        let plyURL = original.trained.folder.pointCloudURL(iteration: original.trained.iteration)
        var ply = try PLYFile.readGaussians(plyURL)
        let members = original.objectIDs.indices.filter { original.objectIDs[$0] == object }
        var table = original.table
        let newID = Int32(table.ids.max()! + 1)
        var objectIDs = original.objectIDs
        for i in members where i % 2 == 0 { objectIDs[i] = newID }
        ply.objectIDs = objectIDs
        var splitOff = table.objects[0]
        (splitOff.id, splitOff.entries, splitOff.parent) = (Int(newID), [], Int(object))
        table.objects.append(splitOff)
        try original.trained.folder.writeSegmentedPointCloud(ply, to: plyURL, table: table, saveCodebook: { _ in })

        let model = try EditableModel.load(dir)
        let split = ObjectSelection.gaussians(withIDs: [newID], objectIDs: model.objectIDs)
        #expect(try model.selectGaussians(ids: [newID], threshold: 0.3) == split)
        let parent = try model.selectGaussians(ids: [object], threshold: 0.3)
        #expect(parent.contains(true) && !zip(parent, split).contains { $0.0 && $0.1 })
        #expect(try model.selectGaussians(ids: [object, newID], threshold: 0.3) == zip(parent, split).map { $0.0 || $0.1 })
    }

    @Test func badSelectionsThrowOneLineErrors() throws {
        let model = try EditableModel.load(try TrainedScenes.small.get())
        #expect { try model.resolve(.ids([999]), backend: backend) } throws: {
            ($0 as? SplatError)?.description.contains("no object has id 999: valid ids are 1…") == true
        }
        #expect(throws: SplatError.self) { try model.resolve(.pixel(view: "nope", x: 0, y: 0), backend: backend) }
        #expect(throws: SplatError.self) { try model.resolve(.pixel(view: "0", x: 10_000, y: 0), backend: backend) }
        #expect(throws: SplatError.self) { try model.resolve(.mask(view: 0, pixels: []), backend: backend) }
        #expect(throws: SplatError.self) {
            try model.resolve(.maskFile(view: "0", url: URL(fileURLWithPath: "/nonexistent.png")), backend: backend)
        }
        #expect(throws: SplatError.self) { try EditableModel.load(URL(fileURLWithPath: "/nonexistent-model")) }
    }
}
