import Foundation
import SplatLift
import SplatMath
import SplatTrain

/// A fresh training run into a folder that holds another model: refused, or (`--overwrite`) the
/// old model's files removed first, so no point cloud, checkpoint or metrics of the older run
/// survive to be rendered or scored as the new one's.
extension ModelFolder {
    /// Everything SplatLift writes into a model folder; other files are not its to remove.
    var modelEntries: [URL] {
        [configURL, liftInfoURL, codebookURL, objectTableURL, checkpointURL, logURL, metricsURL, pointCloudsURL]
    }

    /// The names of the model entries present (folders with a trailing `/`).
    func presentModelEntries() -> [String] {
        modelEntries.compactMap { entry in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: entry.path, isDirectory: &isFolder) else { return nil }
            return entry.lastPathComponent + (isFolder.boolValue ? "/" : "")
        }
    }

    /// Throws when the folder holds a model and `overwrite` is off, naming what it holds.
    func checkFreeForFreshRun(overwrite: Bool) throws {
        let present = presentModelEntries()
        guard !overwrite, !present.isEmpty else { return }
        throw SplatError("holds a trained model (\(present.joined(separator: ", "))); --overwrite clears it, "
                         + "--resume continues it", path: url.path)
    }

    /// Removes the model entries, leaving every other file in the folder.
    func removeModel() throws {
        for entry in modelEntries where FileManager.default.fileExists(atPath: entry.path) {
            do { try FileManager.default.removeItem(at: entry) } catch {
                throw SplatError("cannot remove the old model's \(entry.lastPathComponent): \(error.localizedDescription)",
                                 path: entry.path)
            }
        }
    }
}
