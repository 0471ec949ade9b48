import Foundation
import SplatIO
import SplatMath
import SplatTrain

/// Writes one block as an ordinary scene folder that `splatlift train` loads unchanged: symlinks
/// to the block's photos, masks and ground-truth maps, the COLMAP model cut to the block's views
/// and points (`sparse/0`, binary), and `split.json` keeping every view's role in the whole scene.
enum BlockSceneWriter {
    static func write(views: [Int], pointInBlock: [Bool], scene: Scene, colmap: ColmapModel, to dir: URL) throws {
        let masksName = scene.masksFolder?.lastPathComponent ?? "sam_masks"
        for index in views {
            let view = scene.views[index]
            let stem = (view.name as NSString).deletingPathExtension + ".png"
            try link(dir.appendingPathComponent("images").appendingPathComponent(view.name), to: view.imageURL)
            if let mask = view.maskURL { try link(dir.appendingPathComponent(masksName).appendingPathComponent(stem), to: mask) }
            if let gt = view.gtURL { try link(dir.appendingPathComponent("gt_instance").appendingPathComponent(stem), to: gt) }
        }
        if let gt = views.lazy.compactMap({ scene.views[$0].gtURL }).first {
            let instances = gt.deletingLastPathComponent().appendingPathComponent("instances.json")
            if FileManager.default.fileExists(atPath: instances.path) {
                try link(dir.appendingPathComponent("gt_instance/instances.json"), to: instances)
            }
        }
        try ColmapWriter.writeBinary(cut(colmap, names: Set(views.map { scene.views[$0].name }), pointInBlock: pointInBlock),
                                     to: dir.appendingPathComponent("sparse/0"))
        let test = Set(scene.testIndices)
        let split = ["train": views.filter { !test.contains($0) }.map { scene.views[$0].name },
                     "test": views.filter(test.contains).map { scene.views[$0].name }]
        try JSONFiles.write(split, to: dir.appendingPathComponent("split.json"), what: "split.json")
    }

    /// The model with only the images named and the points kept (tracks and keypoints pointing
    /// to dropped points or images cleared), and the cameras those images use.
    static func cut(_ model: ColmapModel, names: Set<String>, pointInBlock: [Bool]) -> ColmapModel {
        let images = model.images.filter { names.contains($0.name) }
        let imageIDs = Set(images.map(\.id))
        var points: [ColmapPoint] = []
        for (p, point) in model.points.enumerated() where pointInBlock[p] {
            var kept = point
            kept.track = point.track.filter { imageIDs.contains($0.imageID) }
            points.append(kept)
        }
        let pointIDs = Set(points.map(\.id))
        let cut = images.map { image in
            var kept = image
            kept.points2D = image.points2D.map { pointIDs.contains($0.point3DID) ? $0 : ColmapObservation(x: $0.x, y: $0.y, point3DID: -1) }
            return kept
        }
        let cameraIDs = Set(images.map(\.cameraID))
        return ColmapModel(cameras: model.cameras.filter { cameraIDs.contains($0.key) }, images: cut, points: points)
    }

    static func link(_ url: URL, to target: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: url, withDestinationURL: target.resolvingSymlinksInPath())
        } catch {
            throw SplatError("cannot link to \(target.path) (\(error.localizedDescription))", path: url.path)
        }
    }
}
