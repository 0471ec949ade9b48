import Foundation
import SplatEval
import SplatIO
import SplatLift
import SplatMath
import SplatPipeline
import SplatTrain

/// One libFuzzer binary for every reader (scripts/fuzz.sh builds it with -sanitize=fuzzer,address).
/// `SPLATLIFT_FUZZ_TARGET` names the reader; each input is written to a scratch file and read the
/// way the program reads it. A crash, a hang, a sanitizer report, or an error that is not a
/// one-line `SplatError` naming the file is a finding. Readers that read a file inside a folder
/// (mask sources, a scene's split.json, ground truth) get the rest of the folder from `prepare`.
enum FuzzTarget: String, CaseIterable {
    case ply
    case colmapCamerasBin = "colmap-cameras-bin", colmapImagesBin = "colmap-images-bin", colmapPointsBin = "colmap-points-bin"
    case colmapCamerasTxt = "colmap-cameras-txt", colmapImagesTxt = "colmap-images-txt", colmapPointsTxt = "colmap-points-txt"
    case transforms, labelPNG = "label-png", image, cfg, lift, codebook, objects, checkpoint
    case masksAMG = "masks-amg", masksRLE = "masks-rle", masksCOCO = "masks-coco", split, gt, plan

    /// The scratch file the input is written to, relative to the scratch folder (its name is what
    /// the reader expects).
    var filePath: String {
        switch self {
        case .ply: "in.ply"
        case .colmapCamerasBin: "cameras.bin"
        case .colmapImagesBin: "images.bin"
        case .colmapPointsBin: "points3D.bin"
        case .colmapCamerasTxt: "cameras.txt"
        case .colmapImagesTxt: "images.txt"
        case .colmapPointsTxt: "points3D.txt"
        case .transforms: "transforms.json"
        case .labelPNG, .image: "in.png"
        case .cfg: "cfg.json"
        case .lift: "lift.json"
        case .codebook: "codebook.json"
        case .objects: "objects.json"
        case .checkpoint: "checkpoint.bin"
        case .masksAMG: "amg/view_a/metadata.csv"
        case .masksRLE: "rle/view_a.json"
        case .masksCOCO: "coco.json"
        case .split: "scene/split.json"
        case .gt: "gt/frame_00000.png"
        case .plan: "plan.json"
        }
    }

    /// What every error must start with: the input file, or for a scene's split.json the scene
    /// folder (the loader names the scene and lists split.json among its problems), for amg.py's
    /// metadata.csv a file of its folder (a mask PNG it lists), for a COCO file any file of the
    /// scratch folder (a problem may name the photo it has no masks for).
    func errorPath(_ url: URL, scratch: URL) -> String {
        switch self {
        case .split: url.deletingLastPathComponent().path + ": "
        case .masksAMG: url.deletingLastPathComponent().path + "/"   // metadata.csv or a mask PNG beside it
        case .masksCOCO: scratch.path + "/"                         // the COCO file or a photo it has no masks for
        default: url.path + ": "
        }
    }

    /// The photos of the mask targets: view_a 8x6 (and view_b 7x5 for COCO), the sizes of
    /// Tests/fixtures/masks whose files seed these targets.
    static let photoSizes = [("view_a", 8, 6), ("view_b", 7, 5)]
    /// The fuzz scene of `split` and `gt`: 12 views frame_00000…00011.png of 64x48, the size and
    /// names of ../shared/data/synthetic/tiny-1, whose split.json and gt_instance maps seed them.
    static let sceneViews = 12

    /// Writes what the reader needs beside the input, once.
    func prepare(_ scratch: URL) throws {
        func folder(_ path: String) throws -> URL {
            let url = scratch.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url
        }
        func photo(_ url: URL, _ width: Int, _ height: Int) throws {
            let pixels = (0..<(3 * width * height)).map { Float($0 % 7) / 7 }
            try ImageIO.writePNG(RGBImage(width: width, height: height, pixels: pixels), to: url)
        }
        switch self {
        case .masksAMG, .masksRLE, .masksCOCO:
            let photos = try folder("images")
            for (stem, width, height) in Self.photoSizes.prefix(self == .masksCOCO ? 2 : 1) {
                try photo(photos.appendingPathComponent(stem + ".png"), width, height)
            }
            if self == .masksAMG {
                // amg.py's mask PNGs 0…4 (0 / 255); metadata.csv, the input, lists which exist.
                let masks = try folder("amg/view_a")
                for id in 0..<5 {
                    let labels = (0..<48).map { Int32(($0 * (id + 1)) % 5 == 0 ? 255 : 0) }
                    try ImageIO.writeLabelMap(LabelMap(width: 8, height: 6, labels: labels),
                                              to: masks.appendingPathComponent("\(id).png"))
                }
            } else if self == .masksRLE {
                _ = try folder("rle")
            }
        case .split, .gt:
            let images = try folder("scene/images")
            var frames: [String] = []
            for k in 0..<Self.sceneViews {
                let name = String(format: "frame_%05d.png", k)
                try photo(images.appendingPathComponent(name), 64, 48)
                let angle = Double(k) * 0.5
                frames.append("""
                    {"file_path": "images/\(name)", "transform_matrix": [[\(cos(angle)), 0, \(sin(angle)), \(3 * sin(angle))], \
                    [0, 1, 0, 0], [\(-sin(angle)), 0, \(cos(angle)), \(3 * cos(angle))], [0, 0, 0, 1]]}
                    """)
            }
            let transforms = "{\"w\": 64, \"h\": 48, \"fl_x\": 50, \"fl_y\": 50, \"cx\": 32, \"cy\": 24, \"frames\": [\(frames.joined(separator: ", "))]}"
            try Data(transforms.utf8).write(to: scratch.appendingPathComponent("scene/transforms.json"))
            if self == .gt {
                _ = try folder("gt")
                gtScene = try SceneLoader.load(scratch.appendingPathComponent("scene"))
            }
        default:
            break
        }
    }

    func read(_ url: URL, scratch: URL) throws {
        switch self {
        case .ply: _ = try PLYFile.readGaussians(url); _ = try PLYFile.readPoints(url)
        case .colmapCamerasBin: _ = try ColmapBinaryReader.readCameras(url)
        case .colmapImagesBin: _ = try ColmapBinaryReader.readImages(url)
        case .colmapPointsBin: _ = try ColmapBinaryReader.readPoints(url)
        case .colmapCamerasTxt: _ = try ColmapTextReader.readCameras(url)
        case .colmapImagesTxt: _ = try ColmapTextReader.readImages(url)
        case .colmapPointsTxt: _ = try ColmapTextReader.readPoints(url)
        case .transforms: _ = try TransformsReader.read(url) { _ in (64, 48) }
        case .labelPNG: _ = try ImageIO.readLabelMap(url)
        case .image: _ = try ImageIO.imageSize(url); _ = try ImageIO.readImage(url)
        case .cfg: _ = try ModelFolder(url.deletingLastPathComponent()).readConfig()
        case .lift: _ = try ModelFolder(url.deletingLastPathComponent()).readLiftInfo()
        case .codebook: _ = try Codebook.loadWithOptimizer(from: url)
        case .objects: _ = try ObjectTable.load(from: url)
        case .checkpoint: _ = try TrainCheckpoint.read(from: url)
        case .masksAMG, .masksRLE, .masksCOCO:
            // `splatlift masks import SRC --images DIR --out OUT`, SRC the folder or the COCO file.
            let source = switch self {
            case .masksAMG: url.deletingLastPathComponent().deletingLastPathComponent()   // amg/ (of amg/view_a/metadata.csv)
            case .masksRLE: url.deletingLastPathComponent()                               // rle/ (of rle/view_a.json)
            default: url                                                                  // the COCO file
            }
            let out = scratch.appendingPathComponent("out")
            try? FileManager.default.removeItem(at: out)
            _ = try MaskImport.run(source: source, images: scratch.appendingPathComponent("images"), out: out, minArea: 2)
        case .split:
            _ = try SceneLoader.load(url.deletingLastPathComponent())
        case .gt:
            // `splatlift eval --gt DIR`: the map of view 0, at full and half resolution, scored.
            guard let scene = gtScene else { fatalError("gt scene not prepared") }
            for downscale in [1, 2] {
                guard let truth = try SegmentationEvaluation.groundTruth(scene, view: 0, folder: url.deletingLastPathComponent(),
                                                                         downscale: downscale) else {
                    fatalError("the ground-truth map was not found")
                }
                let prediction = (0..<(truth.width * truth.height)).map { Int32(($0 / 7) % 4) }
                let view = try SegmentationView(width: truth.width, height: truth.height, groundTruth: truth.labels,
                                                prediction: prediction, name: url.path)
                _ = try SegmentationReport(predicted: [view], masks: [view])
            }
        case .plan: _ = try PartitionPlan.load(url)
        }
    }
}

nonisolated(unsafe) private var target = FuzzTarget.ply
nonisolated(unsafe) private var scratch = URL(fileURLWithPath: "/tmp")
nonisolated(unsafe) private var gtScene: Scene?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = ProcessInfo.processInfo.environment["SPLATLIFT_FUZZ_TARGET"] ?? ""
    guard let chosen = FuzzTarget(rawValue: name) else {
        fputs("SPLATLIFT_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n", stderr)
        exit(2)
    }
    target = chosen
    // fuzz.sh names the folder and removes it after the run (libFuzzer ends with _Exit, so atexit
    // handlers do not run when -max_total_time is reached).
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    scratch = ProcessInfo.processInfo.environment["SPLATLIFT_FUZZ_SCRATCH"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: base).appendingPathComponent("splatlift-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: scratch) }
    do { try target.prepare(scratch) } catch {
        fputs("cannot prepare the \(name) target in \(scratch.path): \(error)\n", stderr)
        exit(2)
    }
    return 0
}

/// One line, starting with `prefix` (the file's path and ": ", or a folder the file is in).
private func check(_ error: SplatError, prefix: String) {
    let line = error.description
    if line.contains("\n") || !line.hasPrefix(prefix) {
        fatalError("not a one-line error naming the file: \(line)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let url = scratch.appendingPathComponent(target.filePath)
    let written = FileManager.default.createFile(atPath: url.path, contents: Data(bytes: bytes, count: count))
    precondition(written, "cannot write the scratch file \(url.path)")
    let prefix = target.errorPath(url, scratch: scratch)
    do {
        try target.read(url, scratch: scratch)
    } catch let error as SplatError {
        check(error, prefix: prefix)
    } catch let error as MaskImportProblems {
        if error.problems.isEmpty { fatalError("MaskImportProblems without a problem") }
        for problem in error.problems { check(problem, prefix: prefix) }
    } catch {
        fatalError("not a SplatError: \(error)")
    }
    return 0
}
