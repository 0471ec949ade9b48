import ArgumentParser
import Foundation
import SplatIO

/// `splatlift info PATH`: what a scene folder, COLMAP model or PLY holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise a scene folder (cameras, images, masks, points, split), a COLMAP model folder or a 3DGS PLY.",
        discussion: "Loading a scene runs every consistency check; problems are reported in one line and the exit status is non-zero.")

    @Argument(help: "A scene folder, a transforms .json file, a COLMAP model folder (sparse/0) or a .ply file.")
    var path: String

    @Flag(help: "Print machine-readable JSON instead of text.")
    var json = false

    @Option(help: "Masks folder (default: object_mask/ or sam_masks/ in the scene).")
    var masks: String?

    @Option(help: "Images folder of a COLMAP scene (default: images/).")
    var images: String?

    @Option(help: "COLMAP model folder of a scene (default: sparse/0).")
    var sparse: String?

    func run() throws {
        let url = URL(fileURLWithPath: path)
        let isPLY = url.pathExtension.lowercased() == "ply"
        let isModel = ["cameras.bin", "cameras.txt"].contains {
            FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path)
        }
        if isPLY {
            let summary = PLYSummary(try PLYFile.readGaussians(url), path: url)
            try emit(summary, summary.text)
        } else if isModel && images == nil && sparse == nil {
            let format = try ColmapReader.format(of: url)
            let summary = ColmapSummary(try ColmapReader.read(directory: url, format: format), path: url, format: format)
            try emit(summary, summary.text)
        } else {
            let options = SceneLoadOptions(masks: masks.map { URL(fileURLWithPath: $0) },
                                           images: images.map { URL(fileURLWithPath: $0) },
                                           sparse: sparse.map { URL(fileURLWithPath: $0) })
            let summary = SceneSummary(try SceneLoader.load(url, options: options))
            try emit(summary, summary.text)
        }
    }

    private func emit<T: Encodable>(_ value: T, _ text: String) throws {
        guard json else { print(text); return }
        print(String(decoding: try JSONFiles.encoded(value), as: UTF8.self))
    }
}
