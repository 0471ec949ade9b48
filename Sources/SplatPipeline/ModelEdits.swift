import Foundation
import SplatEdit
import SplatIO
import SplatLift
import SplatMath
import SplatTrain

extension EditableModel {
    /// The selected Gaussians with their identity features and object ids (standard 3DGS PLY
    /// layout plus `obj_dc_*` and `object_id`).
    public func extracted(_ selection: [Bool]) throws -> GaussianPLY {
        GaussianPLY(gaussians: try gaussians.subset(selection), objectIDs: zip(objectIDs, selection).filter(\.1).map(\.0))
    }

    /// The model without the selected Gaussians.
    public func removed(_ selection: [Bool]) throws -> GaussianPLY {
        try extracted(selection.map { !$0 })
    }

    /// Writes the model without the selected Gaussians as a complete model folder that `render`,
    /// `eval` and these edits accept: the same `cfg.json` (same scene) and `lift.json`, the point
    /// cloud at the source's iteration, the codebook, and the object table without the removed
    /// objects (the others keep their ids). The folder is built under a temporary name and then
    /// moved into place, so an error leaves nothing half-written; an existing model folder or empty
    /// folder at `url` is replaced, any other existing path is refused.
    @discardableResult
    public func writeRemoved(_ selection: [Bool], to url: URL) throws -> ModelFolder {
        guard url.standardizedFileURL != trained.folder.url.standardizedFileURL else {
            throw SplatError("the output folder is the input model; choose another", path: url.path)
        }
        let target = ModelFolder(url)
        let manager = FileManager.default
        if manager.fileExists(atPath: url.path), !manager.fileExists(atPath: target.configURL.path),
           (try? manager.contentsOfDirectory(atPath: url.path).isEmpty) != true {
            throw SplatError("exists and is neither empty nor a model folder; choose another output", path: url.path)
        }
        let staging = ModelFolder(url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)"))
        try? manager.removeItem(at: staging.url)
        do {
            try staging.create()
            try staging.writeConfig(trained.config)
            try staging.writeLiftInfo(segmented.info)
            let ply = try removed(selection)
            try staging.writeSegmentedPointCloud(ply, to: staging.pointCloudURL(iteration: trained.iteration),
                                                 table: table.keeping(gaussianIDs: ply.objectIDs ?? []),
                                                 saveCodebook: { try codebook.save(to: $0) })
            if manager.fileExists(atPath: url.path) { try manager.removeItem(at: url) }
            try manager.moveItem(at: staging.url, to: url)
        } catch {
            try? manager.removeItem(at: staging.url)
            throw error
        }
        return target
    }
}
