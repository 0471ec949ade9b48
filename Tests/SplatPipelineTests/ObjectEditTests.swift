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

/// Extract / remove / select on small-2 after a short joint training run.
@Suite(.serialized, .enabled(if: TestData.available, "needs ../shared/data"))
struct ObjectEditTests {
    let backend = CPURasterizer()

    /// The largest non-background GT object of small-2 and its predicted ids.
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
        let url = try TrainedScenes.small2.get()
        let model = try EditableModel.load(url)
        let (target, ids) = try largestObject(model)
        let selection = try model.selectGaussians(ids: ids)
        let dir = try TestData.temporaryDirectory("removed")
        try model.writeRemoved(selection, to: dir)
        let removed = try TrainedModel.load(ModelFolder(dir))
        #expect(removed.gaussians.count == model.gaussians.count - selection.filter { $0 }.count)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("codebook.json").path))
        let (_, background) = try groundTruthObjects(model)
        let scores = try model.evaluateEdit(groundTruthID: target, ids: ids, selection: selection, removed: removed.gaussians,
                                            mesh: nil, shapes: [:], backgroundIDs: background, backend: backend)
        print("small-2 object \(target) ids \(ids.sorted()): IoU \(scores.extractIoU) visible \(scores.extractVisibleIoU) "
              + "change \(scores.removedObjectChange) others \(scores.othersPSNRFull)->\(scores.othersPSNRRemoved) "
              + "objects \(scores.otherObjectsPSNRFull)->\(scores.otherObjectsPSNRRemoved)")
        #expect(scores.extractVisibleIoU >= 0.85)
        #expect(scores.removedObjectChange > 0.05)
        #expect(abs(scores.othersPSNRFull - scores.othersPSNRRemoved) <= 1)
    }

    @Test func pixelAndMaskSelectionsAgreeWithTheIDs() throws {
        let model = try EditableModel.load(try TrainedScenes.small2.get())
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
        let predicted = try model.pixelIDs(view: view, output: model.render(view: view, backend: backend), backend: backend)
        let p = try #require(predicted.indices.first { mask[$0] && ids.contains(predicted[$0]) })
        let picked = try model.resolve(.pixel(view: String(view), x: p % camera.width, y: p / camera.width), backend: backend)
        #expect(picked == [predicted[p]])
        // Threshold selection: softmax > 0.5 for k implies that the Gaussian's own argmax is k, so
        // it stays inside the selection by own-feature ids (not the voted ones); a lower threshold
        // selects a superset.
        let ownIDs = try LiftInference.gaussianIDs(model.gaussians, codebook: model.codebook, grouping: model.segmented.grouping)
        let byOwnID = ObjectSelection.gaussians(withIDs: ids, objectIDs: ownIDs)
        let strict = try model.selectGaussians(ids: ids, threshold: 0.5)
        let loose = try model.selectGaussians(ids: ids, threshold: 0.3)
        #expect(zip(strict, byOwnID).allSatisfy { !$0.0 || $0.1 })
        #expect(zip(strict, loose).allSatisfy { !$0.0 || $0.1 })
        #expect(strict.contains(true))
    }

    /// A split-off object (here: half of the largest object's Gaussians moved to id 256) shares its
    /// features with the object it came from: threshold selection takes it by its id only.
    @Test func thresholdSelectionKeepsSplitOffObjectsApart() throws {
        let source = try TrainedScenes.small2.get()
        let dir = try TestData.temporaryDirectory("split-model").appendingPathComponent("model")
        try FileManager.default.copyItem(at: source, to: dir)
        let original = try EditableModel.load(dir)
        let (_, ids) = try largestObject(original)
        let object = try #require(ids.min())
        let plyURL = original.trained.folder.pointCloudURL(iteration: original.trained.iteration)
        var ply = try PLYFile.readGaussians(plyURL)
        let members = original.objectIDs.indices.filter { original.objectIDs[$0] == object }
        var objectIDs = original.objectIDs
        for i in members where i % 2 == 0 { objectIDs[i] = 256 }
        ply.objectIDs = objectIDs
        try PLYFile.writeGaussians(ply, to: plyURL)
        var grouping = try #require(original.segmented.grouping)
        grouping.splits = [ObjectGrouping.Split(id: 256, object: Int(object), gaussians: members.count / 2)]
        for url in [plyURL.deletingLastPathComponent().appendingPathComponent(ObjectGrouping.fileName), dir.appendingPathComponent(ObjectGrouping.fileName)] {
            try grouping.save(to: url)
        }

        let model = try EditableModel.load(dir)
        let split = ObjectSelection.gaussians(withIDs: [256], objectIDs: model.objectIDs)
        #expect(try model.selectGaussians(ids: [256], threshold: 0.3) == split)
        let parent = try model.selectGaussians(ids: [object], threshold: 0.3)
        #expect(parent.contains(true) && !zip(parent, split).contains { $0.0 && $0.1 })
        #expect(try model.selectGaussians(ids: [object, 256], threshold: 0.3) == zip(parent, split).map { $0.0 || $0.1 })
    }

    @Test func badSelectionsThrowOneLineErrors() throws {
        let model = try EditableModel.load(try TrainedScenes.small2.get())
        #expect(throws: SplatError.self) { try model.resolve(.pixel(view: "nope", x: 0, y: 0), backend: backend) }
        #expect(throws: SplatError.self) { try model.resolve(.pixel(view: "0", x: 10_000, y: 0), backend: backend) }
        #expect(throws: SplatError.self) { try model.resolve(.mask(view: 0, pixels: []), backend: backend) }
        #expect(throws: SplatError.self) {
            try model.resolve(.maskFile(view: "0", url: URL(fileURLWithPath: "/nonexistent.png")), backend: backend)
        }
        #expect(throws: SplatError.self) { try EditableModel.load(URL(fileURLWithPath: "/nonexistent-model")) }
    }
}
