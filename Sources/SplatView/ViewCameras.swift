import Foundation
import SplatMath
import SplatTrain

/// The cameras the page can jump to: a model folder's scene views at the training resolution
/// (the cameras `render` uses); a bare PLY has none.
enum ViewCameras {
    struct Entry {
        var name: String
        var split: String
        var camera: PinholeCamera
    }

    static func of(_ model: ViewedModel) -> [Entry] {
        guard case .folder(let trained, _) = model else { return [] }
        let test = Set(trained.scene.testIndices)
        return trained.scene.views.indices.map {
            Entry(name: trained.scene.views[$0].name, split: test.contains($0) ? "test" : "train",
                  camera: trained.camera(ofView: $0))
        }
    }
}
