import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatTrain

/// One libFuzzer binary for every reader (scripts/fuzz.sh builds it with -sanitize=fuzzer,address).
/// `SPLATLIFT_FUZZ_TARGET` names the reader; each input is written to a scratch file and read the
/// way the program reads it. A crash, a hang, a sanitizer report, or an error that is not a
/// one-line `SplatError` naming the file is a finding.
enum FuzzTarget: String, CaseIterable {
    case ply
    case colmapCamerasBin = "colmap-cameras-bin", colmapImagesBin = "colmap-images-bin", colmapPointsBin = "colmap-points-bin"
    case colmapCamerasTxt = "colmap-cameras-txt", colmapImagesTxt = "colmap-images-txt", colmapPointsTxt = "colmap-points-txt"
    case transforms, labelPNG = "label-png", image, cfg, lift, codebook, objects, checkpoint

    /// The scratch file the input is written to (its name is what the reader expects).
    var fileName: String {
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
        }
    }

    func read(_ url: URL) throws {
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
        }
    }
}

nonisolated(unsafe) private var target = FuzzTarget.ply
nonisolated(unsafe) private var scratch = URL(fileURLWithPath: "/tmp")

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = ProcessInfo.processInfo.environment["SPLATLIFT_FUZZ_TARGET"] ?? ""
    guard let chosen = FuzzTarget(rawValue: name) else {
        fputs("SPLATLIFT_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n", stderr)
        exit(2)
    }
    target = chosen
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    scratch = URL(fileURLWithPath: base).appendingPathComponent("splatlift-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: scratch) }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let url = scratch.appendingPathComponent(target.fileName)
    let written = FileManager.default.createFile(atPath: url.path, contents: Data(bytes: bytes, count: count))
    precondition(written, "cannot write the scratch file \(url.path)")
    do {
        try target.read(url)
    } catch let error as SplatError {
        let line = error.description
        if line.contains("\n") || !line.hasPrefix(url.path + ": ") {
            fatalError("not a one-line error naming the file: \(line)")
        }
    } catch {
        fatalError("not a SplatError: \(error)")
    }
    return 0
}
