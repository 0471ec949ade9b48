import Foundation
import SplatIO
import SplatMath
import SplatTrain

/// `lift.json` in a model folder: present exactly when the model was trained with segmentation.
/// It holds the objective's settings and the masks folder used, so `render` and `eval` know the
/// model is segmented and find the same input masks.
public struct LiftModelInfo: VersionedJSONFile, Sendable, Equatable {
    public static let fileName = "lift.json"
    public static let formatName = "splatlift-lift-1"
    public static let kind = "segmentation settings (lift.json)"

    public var format: String = LiftModelInfo.formatName
    public var config: LiftConfig
    /// The 2D masks folder the model was trained on (absolute path).
    public var masksPath: String

    public init(config: LiftConfig, masksPath: String) {
        self.config = config
        self.masksPath = masksPath
    }
}

extension ModelFolder {
    public var liftInfoURL: URL { url.appendingPathComponent(LiftModelInfo.fileName) }
    public var codebookURL: URL { url.appendingPathComponent(Codebook.fileName) }
    public var objectTableURL: URL { url.appendingPathComponent(ObjectTable.fileName) }

    /// A segmentation file (`codebook.json`, `objects.json`): the one beside the point cloud of
    /// `iteration` when it exists, else the folder's own.
    public func segmentationFile(_ name: String, iteration: Int) -> URL {
        let beside = pointCloudURL(iteration: iteration).deletingLastPathComponent().appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: beside.path) ? beside : url.appendingPathComponent(name)
    }

    /// The segmentation settings, or nil when the model was trained RGB-only (no `lift.json`).
    public func readLiftInfo() throws -> LiftModelInfo? {
        guard FileManager.default.fileExists(atPath: liftInfoURL.path) else { return nil }
        let info = try JSONFiles.read(LiftModelInfo.self, from: liftInfoURL)
        do { try info.config.validate() } catch let error as SplatError {
            throw SplatError(error.message, path: liftInfoURL.path)
        }
        return info
    }

    /// Writes `lift.json` atomically, pretty-printed with sorted keys.
    public func writeLiftInfo(_ info: LiftModelInfo) throws {
        try JSONFiles.write(info, to: liftInfoURL, what: LiftModelInfo.fileName)
    }
}

/// The training views' 2D label maps at the training resolution.
public enum LiftTrainingLabels {
    /// Loads the mask of every view in `indices` once, downscaled by `downscale` (each block's
    /// centre label, i.e. nearest); throws naming the views without a mask.
    public static func load(from scene: Scene, indices: [Int], downscale: Int) throws -> [LabelMap] {
        let missing = indices.filter { scene.views[$0].maskURL == nil }.map { scene.views[$0].name }
        guard missing.isEmpty else {
            throw SplatError("no mask for \(missing.count) training view(s): \(missing.prefix(5).joined(separator: ", "))"
                             + (missing.count > 5 ? ", …" : ""), path: scene.masksFolder?.path ?? scene.root.path)
        }
        return try indices.map { index in
            guard let map = try scene.loadMask(index, downscale: downscale) else {
                throw SplatError("no mask", path: scene.views[index].name)
            }
            return map
        }
    }
}

extension ModelFolder {
    /// Writes a segmented point cloud with its companions, so the folder stays complete: the PLY
    /// (with `obj_dc_*` and `object_id`) at `url`, and the codebook (`saveCodebook`) and the object
    /// table beside it and in the folder (none for a model trained with the contrastive objective
    /// alone, whose objects `splatlift cluster` makes).
    public func writeSegmentedPointCloud(_ ply: GaussianPLY, to url: URL, table: ObjectTable?,
                                         saveCodebook: (URL) throws -> Void) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try PLYFile.writeGaussians(ply, to: url)
        for dir in [url.deletingLastPathComponent(), self.url] {
            try saveCodebook(dir.appendingPathComponent(Codebook.fileName))
            try table?.save(to: dir.appendingPathComponent(ObjectTable.fileName))
        }
    }
}
