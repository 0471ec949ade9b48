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

    /// Writes the model without the selected Gaussians as a model folder that `render`, `eval`
    /// and these edits accept: the same `cfg.json` (same scene), `point_cloud/iteration_N/point_cloud.ply`
    /// at the source's iteration, `lift.json` and the codebook (in the folder and beside the point cloud).
    @discardableResult
    public func writeRemoved(_ selection: [Bool], to url: URL) throws -> ModelFolder {
        let folder = ModelFolder(url)
        guard url.standardizedFileURL != trained.folder.url.standardizedFileURL else {
            throw SplatError("the output folder is the input model; choose another", path: url.path)
        }
        try folder.create()
        try folder.writeConfig(trained.config)
        let ply = folder.pointCloudURL(iteration: trained.iteration)
        try FileManager.default.createDirectory(at: ply.deletingLastPathComponent(), withIntermediateDirectories: true)
        try PLYFile.writeGaussians(try removed(selection), to: ply)
        try folder.writeLiftInfo(segmented.info)
        try codebook.save(to: folder.codebookURL)
        try codebook.save(to: ply.deletingLastPathComponent().appendingPathComponent(Codebook.fileName))
        return folder
    }
}
