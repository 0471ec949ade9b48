import Foundation
import SplatEdit
import SplatEval
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatSynth
import SplatTrain

/// What `splatlift demo` does.
public struct DemoOptions: Sendable {
    /// Output folder (scene/, model/, renders/, object.ply, model-without-object/, object-mesh.ply, report.md).
    public var out: URL
    /// An existing scene with `sam_masks/`, `gt_instance/` and `scene.json`; nil = generate one with SplatSynth.
    public var scene: URL?
    public var preset = "demo"
    public var seed: UInt64 = 0
    /// Joint RGB + segmentation training iterations.
    public var iterations = 2000
    /// Densification stops here (the 3DGS default, 10,000, lets a 160×120 scene grow past 90k
    /// Gaussians by iteration 1600, too slow for a ten-minute demo on 2 cores).
    public var densifyUntil = 1000
    public var threads = 0
    /// Image downscale factor for training (`-r`).
    public var resolution = 1
    public var voxelSize: Double?

    public init(out: URL) { self.out = out }
}

/// Everything the demo measured (also written as `report.json`).
public struct DemoReport: Codable, Sendable {
    public var scene: String
    public var iterations: Int
    public var gaussians: Int
    public var testPSNR: Double
    public var testSSIM: Double
    public var segmentation: SegmentationReport
    public var objectName: String
    public var edit: EditScores
    public var meshVoxelSize: Double
    /// Seconds per stage.
    public var seconds: [String: Double]
    public var files: [String]
}

/// The end-to-end demo: scene → joint training → evaluation → pick an object → extract, remove,
/// mesh → renders, overlays and a report.
public enum Demo {
    public static func run(_ options: DemoOptions, backend: RasterBackend = CPURasterizer(),
                           log: (String) -> Void = { print($0) }) throws -> DemoReport {
        let out = options.out
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var seconds = [String: Double]()
        var clock = Date()
        func lap(_ name: String) { seconds[name] = Date().timeIntervalSince(clock); clock = Date() }

        // 1. Scene.
        let sceneURL: URL
        if let given = options.scene {
            sceneURL = given
            log("scene: \(given.path)")
        } else {
            sceneURL = out.appendingPathComponent("scene")
            let config = try SynthConfig.preset(options.preset, seed: options.seed)
            log("generating the SplatSynth '\(options.preset)' scene (\(config.width)x\(config.height), \(config.views) views, "
                + "\(config.objects) objects) -> \(sceneURL.path)")
            try SceneWriter.write(try SceneGenerator.generate(config), to: sceneURL)
        }
        lap("scene")

        // 2. Joint training.
        let modelURL = out.appendingPathComponent("model")
        var config = TrainConfig()
        config.iterations = options.iterations
        config.threads = options.threads
        config.resolution = options.resolution
        config.checkpointInterval = 0
        config.saveIterations = []
        config.densifyUntilIteration = options.densifyUntil
        log("training RGB + segmentation jointly for \(config.iterations) iterations -> \(modelURL.path)")
        let progress = ProgressReporter(totalIterations: config.iterations, interval: 100)
        var run = TrainingRun(scene: sceneURL, folder: ModelFolder(modelURL))
        run.config = config
        run.segmentation = .required
        run.overwrite = true  // the demo's own folder: a second demo run retrains it
        run.backend = backend
        try run.run(progress: progress)
        lap("train")

        // 3. Evaluation on the test views.
        let model = try EditableModel.load(modelURL)
        let scene = model.scene
        let quality = try ImageQualityReport.evaluate(model.trained, split: .test, backend: backend)
        let segmentation = try SegmentationEvaluation.evaluate(model.segmented, split: .test, groundTruthFolder: nil,
                                                               backend: backend).report
        let renders = out.appendingPathComponent("renders")
        try FileManager.default.createDirectory(at: renders, withIntermediateDirectories: true)
        var files = [String]()
        for index in scene.testIndices {
            guard let gt = try scene.loadGroundTruth(index, downscale: config.resolution) else {
                throw SplatError("the demo needs gt_instance/ maps", path: sceneURL.path)
            }
            let (output, ids) = try model.segmented.render(view: index, backend: backend)
            let stem = URL(fileURLWithPath: scene.views[index].name).deletingPathExtension().lastPathComponent
            let rgb = RGBImage(width: output.width, height: output.height, pixels: output.color.map { min(max($0, 0), 1) })
            try write(rgb, "renders/\(stem)_rgb.png", out, &files)
            try write(try SegmentationOverlay.overlay(rgb, ids: ids),
                      "renders/\(stem)_ids.png", out, &files)
            try write(try SegmentationOverlay.overlay(rgb, ids: gt.labels), "renders/\(stem)_gt.png", out, &files)
        }
        log(String(format: "test views: PSNR %.2f dB, SSIM %.4f", quality.psnr, quality.ssim))
        log(segmentation.summary)
        lap("evaluate")

        // 4. The object: the largest non-background GT object with a known shape (else the largest).
        let sceneJSON = sceneURL.appendingPathComponent("scene.json")
        let shapes = (try? GroundTruthShapes.read(sceneJSON)) ?? [:]
        let (objects, background) = try groundTruthObjects(sceneJSON)
        var areas = [Int32: Int]()
        for index in scene.trainIndices {
            guard let gt = try scene.loadGroundTruth(index, downscale: config.resolution) else { continue }
            for label in gt.labels where objects[label] != nil { areas[label, default: 0] += 1 }
        }
        let ranked = areas.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        guard let target = ranked.first(where: { shapes[$0] != nil }) ?? ranked.first else {
            throw SplatError("the scene has no object seen in the training views", path: sceneJSON.path)
        }
        let ids = try model.predictedIDs(ofGroundTruth: target, backend: backend)
        let selection = try model.selectGaussians(ids: ids)
        let objectName = objects[target] ?? "object \(target)"
        log("object: \(objectName) (GT id \(target)) -> predicted id(s) \(ids.sorted().map(String.init).joined(separator: ",")), "
            + "\(selection.filter { $0 }.count) of \(model.gaussians.count) Gaussians")

        // 5. Extract, remove, mesh.
        try PLYFile.writeGaussians(try model.extracted(selection), to: out.appendingPathComponent("object.ply"))
        files.append("object.ply")
        let removedURL = out.appendingPathComponent("model-without-object")
        try model.writeRemoved(selection, to: removedURL)
        files.append("model-without-object/")
        let removedModel = try TrainedModel.load(ModelFolder(removedURL))
        lap("extract+remove")
        let mesh = try model.meshObject(ids: ids, selection: selection, options: ObjectMeshOptions(voxelSize: options.voxelSize),
                                        backend: backend)
        try MeshWriter.write(mesh.mesh, to: out.appendingPathComponent("object-mesh.ply"))
        files.append("object-mesh.ply")
        log(String(format: "mesh: %d triangles, voxel %.4f, fused from %d views", mesh.mesh.triangleCount, mesh.voxelSize,
                   mesh.viewsWithObject))
        lap("mesh")

        let edit = try model.evaluateEdit(groundTruthID: target, ids: ids, selection: selection, removed: removedModel.gaussians,
                                          mesh: mesh.mesh, shapes: shapes, backgroundIDs: background, backend: backend)
        let object = try model.gaussians.subset(selection)
        for index in scene.testIndices {
            let stem = URL(fileURLWithPath: scene.views[index].name).deletingPathExtension().lastPathComponent
            for (suffix, gaussians) in [("object", object), ("removed", removedModel.gaussians)] {
                let r = model.render(view: index, gaussians: gaussians, backend: backend)
                try write(RGBImage(width: r.width, height: r.height, pixels: r.color.map { min(max($0, 0), 1) }),
                          "renders/\(stem)_\(suffix).png", out, &files)
            }
        }
        lap("edit-eval")

        let report = DemoReport(scene: sceneURL.path, iterations: config.iterations, gaussians: model.gaussians.count,
                                testPSNR: quality.psnr, testSSIM: quality.ssim, segmentation: segmentation,
                                objectName: objectName, edit: edit, meshVoxelSize: mesh.voxelSize, seconds: seconds,
                                files: ["scene/", "model/"] + files + ["report.md", "report.json"])
        try JSONFiles.write(report, to: out.appendingPathComponent("report.json"), what: "the demo report", nonFinite: true)
        try ModelFolder.writeAtomically(Data(markdown(report).utf8), to: out.appendingPathComponent("report.md"))
        return report
    }

    /// Non-background object ids → names, and the background ids, from `scene.json` /
    /// `gt_instance/instances.json`.
    static func groundTruthObjects(_ sceneJSON: URL) throws -> ([Int32: String], Set<Int32>) {
        let instancesURL = sceneJSON.deletingLastPathComponent().appendingPathComponent("gt_instance/instances.json")
        guard let data = try? Data(contentsOf: instancesURL),
              let instances = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else {
            throw SplatError("cannot read the GT instance list", path: instancesURL.path)
        }
        var objects = [Int32: String](), background = Set<Int32>()
        for (key, value) in instances {
            guard let id = Int32(key) else { continue }
            if value["is_background"] as? Bool ?? false { background.insert(id) } else { objects[id] = value["name"] as? String ?? key }
        }
        return (objects, background)
    }

    private static func write(_ image: RGBImage, _ relative: String, _ out: URL, _ files: inout [String]) throws {
        try ImageIO.writePNG(image, to: out.appendingPathComponent(relative))
        files.append(relative)
    }

    /// The human-readable report.
    public static func markdown(_ r: DemoReport) -> String {
        func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
        let e = r.edit, s = r.segmentation
        var lines = ["# SplatLift demo report", "",
                     "Scene: `\(r.scene)`; \(r.iterations) joint iterations; \(r.gaussians) Gaussians.", "",
                     "## Rendering (test views)", "",
                     "PSNR \(f(r.testPSNR, 2)) dB, SSIM \(f(r.testSSIM, 4))", "",
                     "## Segmentation (test views, against gt_instance)", "",
                     "| | mIoU | F@0.5 | PQ | mBIoU |", "|---|---|---|---|---|",
                     "| lifted 3D ids (scene-level matching) | \(f(s.prediction.meanIoU)) | \(f(s.prediction.fScore)) | \(f(s.prediction.panoptic.pq)) | \(f(s.prediction.meanBoundaryIoU)) |",
                     "| lifted 3D ids (per-view matching) | \(f(s.predictionPerView.meanIoU)) | \(f(s.predictionPerView.fScore)) | \(f(s.predictionPerView.panoptic.pq)) | \(f(s.predictionPerView.meanBoundaryIoU)) |"]
        if let g = s.featurePrediction {
            lines.append("| rendered-feature argmax, grouped (scene-level matching) | \(f(g.meanIoU)) | \(f(g.fScore)) | \(f(g.panoptic.pq)) | \(f(g.meanBoundaryIoU)) |")
        }
        if let u = s.ungroupedPrediction {
            lines.append("| bare argmax, entries ungrouped (scene-level matching) | \(f(u.meanIoU)) | \(f(u.fScore)) | \(f(u.panoptic.pq)) | \(f(u.meanBoundaryIoU)) |")
        }
        if let m = s.inputMasks {
            lines.append("| input SAM masks (per-view matching) | \(f(m.meanIoU)) | \(f(m.fScore)) | \(f(m.panoptic.pq)) | \(f(m.meanBoundaryIoU)) |")
        }
        lines += ["", "## Object edits: \(r.objectName) (GT id \(e.groundTruthID)) = predicted id(s) \(e.selectedIDs.map(String.init).joined(separator: ","))", "",
                  "- extracted: \(e.extractedGaussians) Gaussians (`object.ply`)",
                  "- object rendered alone vs its GT mask, test views: IoU \(f(e.extractIoU)) (visible part only: \(f(e.extractVisibleIoU)))",
                  "- removal (`model-without-object/`): mean colour change on the object's GT pixels \(f(e.removedObjectChange)); "
                    + "PSNR on all other pixels \(f(e.othersPSNRFull, 2)) → \(f(e.othersPSNRRemoved, 2)) dB, "
                    + "on other objects' pixels \(f(e.otherObjectsPSNRFull, 2)) → \(f(e.otherObjectsPSNRRemoved, 2)) dB",
                  "- mesh (`object-mesh.ply`): \(e.meshTriangles) triangles, voxel \(f(r.meshVoxelSize, 4))"
                    + (e.chamfer.map { ", Chamfer to the GT shape \(f($0, 4)) = \(f(100 * $0 / e.sceneSize, 2))% of the scene size (extent \(f(e.sceneSize, 2)))" }
                       ?? " (no analytic GT shape for this object)"),
                  "", "## Time (s)", ""]
        lines += r.seconds.sorted { $0.key < $1.key }.map { "- \($0.key): \(f($0.value, 1))" }
        lines += ["", "## Files", ""] + r.files.map { "- `\($0)`" }
        return lines.joined(separator: "\n") + "\n"
    }
}
