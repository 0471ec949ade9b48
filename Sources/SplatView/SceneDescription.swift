import Foundation
import SplatLift
import SplatTrain

/// `GET /api/scene`: what the page needs before the Gaussians arrive.
struct SceneDescription: Encodable {
    struct View: Encodable {
        var name: String
        var split: String
        var camera: CameraJSON
    }

    var name: String
    var gaussians: Int
    /// The SH degree stored in the model; the live view draws degree 0.
    var shDegree: Int
    var background: [Float]
    var hasObjects: Bool
    var views: [View]

    init(_ model: ViewedModel, cameras: [ViewCameras.Entry]) {
        name = model.url.lastPathComponent
        gaussians = model.gaussians.count
        shDegree = model.gaussians.shDegree
        background = [model.background.x, model.background.y, model.background.z]
        hasObjects = model.objectIDs != nil
        views = cameras.map { View(name: $0.name, split: $0.split, camera: CameraJSON($0.camera)) }
    }
}

/// `GET /api/objects`: the objects with their Gaussian counts, pixel areas, colours and splits
/// (`objects.json`); a bare PLY lists the ids of its `object_id` column.
struct ObjectList: Encodable {
    struct Object: Encodable {
        var id: Int
        var name: String?
        var gaussians: Int
        var area: Int?
        var color: String
        /// The object this one was split off by space.
        var parent: Int?
    }

    var objects: [Object]

    init(_ model: ViewedModel) {
        switch model {
        case .folder(_, let editable?):
            objects = editable.table.objects.map {
                Object(id: $0.id, name: $0.name, gaussians: $0.gaussians, area: $0.area, color: $0.color, parent: $0.parent)
            }
        case .folder(_, nil):
            objects = []
        case .ply(_, let ply):
            var counts = [Int32: Int]()
            for id in ply.objectIDs ?? [] where id > 0 { counts[id, default: 0] += 1 }
            objects = counts.keys.sorted().map {
                Object(id: Int($0), gaussians: counts[$0] ?? 0, color: Self.hex(SegmentationOverlay.color(of: $0)))
            }
        }
    }

    static func hex(_ rgb: SIMD3<Float>) -> String {
        "#" + [rgb.x, rgb.y, rgb.z].map { String(format: "%02x", Int(($0 * 255).rounded())) }.joined()
    }
}
