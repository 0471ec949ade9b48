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
    /// objects (the others keep their ids). Written in full or not at all (`StagedFolder`); an
    /// existing model folder at `url` is replaced, an empty folder used, anything else refused.
    @discardableResult
    public func writeRemoved(_ selection: [Bool], to url: URL) throws -> ModelFolder {
        guard url.standardizedFileURL != trained.folder.url.standardizedFileURL else {
            throw SplatError("the output folder is the input model; choose another", path: url.path)
        }
        try StagedFolder.write(url, replaceable: { FileManager.default.fileExists(atPath: ModelFolder($0).configURL.path) }) { dir in
            let staging = ModelFolder(dir)
            try staging.writeConfig(trained.config)
            try staging.writeLiftInfo(segmented.info)
            let ply = try removed(selection)
            try staging.writeSegmentedPointCloud(ply, to: staging.pointCloudURL(iteration: trained.iteration),
                                                 table: table.keeping(gaussianIDs: ply.objectIDs ?? []),
                                                 saveCodebook: { try codebook.save(to: $0) })
        }
        return ModelFolder(url)
    }

    /// Writes every object as its own standard 3DGS PLY, `<id>-<name>.ply` (`object` when unnamed),
    /// plus the object table, into the new or empty folder `url` (in full or not at all). Returns
    /// the file names.
    @discardableResult
    public func writeAllObjects(to url: URL) throws -> [String] {
        var names: [String] = []
        try StagedFolder.write(url) { dir in
            for object in table.objects {
                let name = "\(object.id)-\(Self.fileNameSafe(object.name ?? "object")).ply"
                try PLYFile.writeGaussians(try extracted(objectIDs.map { $0 == Int32(object.id) }),
                                           to: dir.appendingPathComponent(name))
                names.append(name)
            }
            try table.save(to: dir.appendingPathComponent(ObjectTable.fileName))
        }
        return names
    }

    /// A name with every character other than letters, digits, '-' and '_' replaced by '_'.
    static func fileNameSafe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
