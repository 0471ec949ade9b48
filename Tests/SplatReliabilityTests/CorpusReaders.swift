import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatTestSupport
import SplatTrain

/// The readers of the bad-input corpus (`Tests/corpus/<reader>/`), one per folder: each reads one
/// file the way the program does. Model-folder files are read from a scratch model folder.
enum CorpusReader: String, CaseIterable {
    case ply, colmapBinary = "colmap-bin", colmapText = "colmap-txt", transforms, labelPNG = "label-png", image
    case cfg, lift, codebook, objects, checkpoint

    static let root = TestData.projectRoot.appendingPathComponent("Tests/corpus")

    var folder: URL { Self.root.appendingPathComponent(rawValue) }

    /// The corpus files of this reader, sorted by name.
    var files: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    /// The file the reader reads: `file` itself, or for `cfg.json` and `lift.json` a copy under
    /// that name in a scratch model folder.
    func prepare(_ file: URL) throws -> URL {
        guard self == .cfg || self == .lift else { return file }
        let folder = ModelFolder(try TestData.temporaryDirectory("corpus-model"))
        let copy = self == .cfg ? folder.configURL : folder.liftInfoURL
        try FileManager.default.copyItem(at: file, to: copy)
        return copy
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
        }
    }
}
