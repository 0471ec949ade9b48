import Foundation
import SplatIO
import SplatMath

extension ObjectEditing {
    /// The Gaussians of a PLY whose `object_id` is in `ids`, every column (extra ones included) kept.
    public static func extract(_ ply: GaussianPLY, ids: Set<Int32>, path: String? = nil) throws -> GaussianPLY {
        try filter(ply, path: path) { ids.contains($0) }
    }

    /// The Gaussians of a PLY whose `object_id` is not in `ids`.
    public static func remove(_ ply: GaussianPLY, ids: Set<Int32>, path: String? = nil) throws -> GaussianPLY {
        try filter(ply, path: path) { !ids.contains($0) }
    }

    private static func filter(_ ply: GaussianPLY, path: String?, keep: (Int32) -> Bool) throws -> GaussianPLY {
        guard let objectIDs = ply.objectIDs else {
            throw SplatError("the PLY has no object_id property: it holds no object ids to select by", path: path)
        }
        guard objectIDs.count == ply.gaussians.count else {
            throw SplatError("\(objectIDs.count) object ids for \(ply.gaussians.count) Gaussians", path: path)
        }
        let mask = objectIDs.map(keep)
        let columns = ply.extraColumns.map { column in
            PLYColumn(name: column.name, type: column.type,
                      values: zip(column.values, mask).filter(\.1).map(\.0))
        }
        return GaussianPLY(gaussians: try ply.gaussians.subset(mask), objectIDs: objectIDs.filter(keep),
                           extraColumns: columns)
    }

    /// The point cloud PLY to edit: `url` itself when it is a file, or for a model folder its
    /// `point_cloud/iteration_N/point_cloud.ply` with the highest N.
    public static func pointCloudFile(_ url: URL) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SplatError("no such file or folder", path: url.path)
        }
        if !isDirectory.boolValue { return url }
        let folder = url.appendingPathComponent("point_cloud")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let latest = names.compactMap { name -> Int? in
            guard name.hasPrefix("iteration_"), let n = Int(name.dropFirst("iteration_".count)) else { return nil }
            let file = folder.appendingPathComponent("\(name)/point_cloud.ply")
            return FileManager.default.fileExists(atPath: file.path) ? n : nil
        }.max()
        guard let latest else {
            throw SplatError("not a model folder: no point_cloud/iteration_N/point_cloud.ply inside", path: url.path)
        }
        return folder.appendingPathComponent("iteration_\(latest)/point_cloud.ply")
    }
}
