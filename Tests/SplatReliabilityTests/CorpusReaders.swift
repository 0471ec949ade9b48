import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatPipeline
import SplatTestSupport
import SplatTrain

/// The readers of the bad-input corpus (`Tests/corpus/<reader>/`), one per folder: each reads one
/// file the way the program does. Model-folder files are read from a scratch model folder.
enum CorpusReader: String, CaseIterable {
    case ply, colmapBinary = "colmap-bin", colmapText = "colmap-txt", transforms, labelPNG = "label-png", image
    case cfg, lift, codebook, objects, checkpoint
    case masksAMG = "masks-amg", masksRLE = "masks-rle", masksCOCO = "masks-coco", split, gt, plan

    static let root = TestData.projectRoot.appendingPathComponent("Tests/corpus")

    var folder: URL { Self.root.appendingPathComponent(rawValue) }

    /// The corpus files of this reader, sorted by name.
    var files: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    /// The file the reader reads: `file` itself, or a copy where its reader looks: `cfg.json` and
    /// `lift.json` in a scratch model folder; a mask source's file beside the photos of
    /// Tests/fixtures/masks (metadata.csv in amg/view_a/ with the fixture's mask PNGs, view_a.json
    /// in rle/, or the COCO file); `split.json` in a scene of three 8x6 views; a ground-truth map
    /// as gt/frame_00000.png for that scene's first view.
    func prepare(_ file: URL) throws -> URL {
        let manager = FileManager.default
        func copy(to target: URL) throws -> URL {
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.copyItem(at: file, to: target)
            return target
        }
        switch self {
        case .cfg, .lift:
            let folder = ModelFolder(try TestData.temporaryDirectory("corpus-model"))
            return try copy(to: self == .cfg ? folder.configURL : folder.liftInfoURL)
        case .masksAMG, .masksRLE, .masksCOCO:
            let root = try TestData.temporaryDirectory("corpus-masks"), fixtures = TestData.fixture("masks")
            try manager.copyItem(at: fixtures.appendingPathComponent("images"), to: root.appendingPathComponent("images"))
            if self == .masksCOCO { return try copy(to: root.appendingPathComponent("coco.json")) }
            guard self == .masksAMG else {
                try manager.removeItem(at: root.appendingPathComponent("images/view_b.png"))
                return try copy(to: root.appendingPathComponent("rle/view_a.json"))
            }
            try manager.removeItem(at: root.appendingPathComponent("images/view_b.png"))
            let masks = root.appendingPathComponent("amg/view_a")
            try manager.createDirectory(at: masks.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.copyItem(at: fixtures.appendingPathComponent("amg/view_a"), to: masks)
            try manager.removeItem(at: masks.appendingPathComponent("metadata.csv"))
            return try copy(to: masks.appendingPathComponent("metadata.csv"))
        case .split, .gt:
            let root = try Self.scene()
            return try copy(to: root.appendingPathComponent(self == .split ? "split.json" : "gt/frame_00000.png"))
        default:
            return file
        }
    }

    /// A scene of three 8x6 views frame_00000.png … frame_00002.png (transforms.json).
    static func scene() throws -> URL {
        let root = try TestData.temporaryDirectory("corpus-scene")
        let images = root.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        var frames: [String] = []
        for k in 0..<3 {
            let name = String(format: "frame_%05d.png", k)
            try ImageIO.writePNG(RGBImage(width: 8, height: 6, pixels: [Float](repeating: 0.5, count: 144)),
                                 to: images.appendingPathComponent(name))
            frames.append("{\"file_path\": \"images/\(name)\", \"transform_matrix\": [[1, 0, 0, \(k)], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]}")
        }
        try Data("{\"w\": 8, \"h\": 6, \"fl_x\": 8, \"frames\": [\(frames.joined(separator: ", "))]}".utf8)
            .write(to: root.appendingPathComponent("transforms.json"))
        return root
    }

    /// What the error line must start with: the file's path and ": ", or for a split file the
    /// scene folder (the loader lists split.json among the scene's problems), for metadata.csv a
    /// file of its folder (a mask PNG it lists), for a COCO file a file of the folder it was put in
    /// (a problem may name a photo it has no masks for).
    func errorPrefix(_ read: URL) -> String {
        switch self {
        case .split: read.deletingLastPathComponent().path + ": "
        case .masksAMG: read.deletingLastPathComponent().path + "/"
        case .masksCOCO: read.deletingLastPathComponent().path + "/"
        default: read.path + ": "
        }
    }

    /// Reads a file `prepare` returned.
    func read(_ file: URL) throws {
        let stem = file.lastPathComponent
        switch self {
        case .ply: _ = try PLYFile.readGaussians(file)
        case .colmapBinary:
            if stem.hasPrefix("cameras") { _ = try ColmapBinaryReader.readCameras(file) }
            else if stem.hasPrefix("images") { _ = try ColmapBinaryReader.readImages(file) }
            else { _ = try ColmapBinaryReader.readPoints(file) }
        case .colmapText:
            if stem.hasPrefix("cameras") { _ = try ColmapTextReader.readCameras(file) }
            else if stem.hasPrefix("images") { _ = try ColmapTextReader.readImages(file) }
            else { _ = try ColmapTextReader.readPoints(file) }
        case .transforms: _ = try TransformsReader.read(file) { _ in (64, 48) }
        case .labelPNG: _ = try ImageIO.readLabelMap(file)
        case .image: _ = try ImageIO.readImage(file)
        case .codebook: _ = try Codebook.load(from: file)
        case .objects: _ = try ObjectTable.load(from: file)
        case .checkpoint: _ = try TrainCheckpoint.read(from: file)
        case .cfg: _ = try ModelFolder(file.deletingLastPathComponent()).readConfig()
        case .lift: _ = try ModelFolder(file.deletingLastPathComponent()).readLiftInfo()
        case .masksAMG, .masksRLE, .masksCOCO:
            let source = switch self {
            case .masksAMG: file.deletingLastPathComponent().deletingLastPathComponent()   // amg/ (of amg/view_a/metadata.csv)
            case .masksRLE: file.deletingLastPathComponent()                               // rle/ (of rle/view_a.json)
            default: file                                                                  // the COCO file
            }
            let root = source.deletingLastPathComponent()
            _ = try MaskImport.run(source: source, images: root.appendingPathComponent("images"),
                                   out: root.appendingPathComponent("out"), minArea: 0)
        case .split: _ = try SceneLoader.load(file.deletingLastPathComponent())
        case .gt:
            let scene = try SceneLoader.load(file.deletingLastPathComponent().deletingLastPathComponent())
            _ = try SegmentationEvaluation.groundTruth(scene, view: 0, folder: file.deletingLastPathComponent(), downscale: 1)
        case .plan: _ = try PartitionPlan.load(file)
        }
    }
}
