import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatPipeline
import SplatTrain

/// What `splatlift view` opened: a trained model folder (its scene's cameras, and its objects when
/// it was trained with masks) or a bare 3DGS PLY (objects from its `object_id` column, if any).
enum ViewedModel {
    case folder(TrainedModel, EditableModel?)
    case ply(URL, GaussianPLY)

    static func load(_ url: URL) throws -> ViewedModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SplatError("no such model folder or PLY file", path: url.path)
        }
        guard isDirectory.boolValue else { return .ply(url, try PLYFile.readGaussians(url)) }
        let trained = try TrainedModel.load(ModelFolder(url))
        return .folder(trained, try SegmentedModel.load(trained).map(EditableModel.init(segmented:)))
    }

    var gaussians: GaussianParams {
        switch self {
        case .folder(let trained, _): trained.gaussians
        case .ply(_, let ply): ply.gaussians
        }
    }

    /// Every Gaussian's object id, or nil when the model has none.
    var objectIDs: [Int32]? {
        switch self {
        case .folder(_, let editable): editable?.objectIDs
        case .ply(_, let ply): ply.objectIDs
        }
    }

    var url: URL {
        switch self {
        case .folder(let trained, _): trained.folder.url
        case .ply(let url, _): url
        }
    }

    var background: SIMD3<Float> {
        switch self {
        case .folder(let trained, _): trained.background
        case .ply: .zero
        }
    }
}
