import Foundation
import SplatMath
import SplatTrain

extension ModelFolder {
    /// The object table of the latest point cloud (beside it, else the folder's), and its path.
    public func readObjectTable() throws -> (table: ObjectTable, url: URL) {
        guard let iteration = latestPointCloudIteration() else {
            throw SplatError("no point_cloud/iteration_N/point_cloud.ply: is this a model folder written by `splatlift train`?",
                             path: url.path)
        }
        let tableURL = segmentationFile(ObjectTable.fileName, iteration: iteration)
        guard FileManager.default.fileExists(atPath: tableURL.path) else {
            throw SplatError("no \(ObjectTable.fileName): the model was trained without masks, or by an older SplatLift "
                             + "(run `splatlift group MODEL` to upgrade it)", path: url.path)
        }
        return (try ObjectTable.load(from: tableURL), tableURL)
    }

    /// Writes the table beside the latest point cloud and in the folder (they stay equal).
    public func writeObjectTable(_ table: ObjectTable) throws {
        var places = [url.appendingPathComponent(ObjectTable.fileName)]
        if let iteration = latestPointCloudIteration() {
            places.append(pointCloudURL(iteration: iteration).deletingLastPathComponent().appendingPathComponent(ObjectTable.fileName))
        }
        for place in places { try table.save(to: place) }
    }
}

extension ObjectTable {
    /// Gives object `id` a name (nil clears it); throws naming the valid ids when `id` is no object.
    public mutating func setName(_ name: String?, of id: Int) throws {
        guard let index = objects.firstIndex(where: { $0.id == id }) else {
            throw SplatError("no object has id \(id): \(validIDsText)")
        }
        objects[index].name = name.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The table as aligned text: id, name, Gaussians, area, colour, what it was split from.
    public var text: String {
        var lines = ["   id  name                  Gaussians      area  colour   split from"]
        for o in objects {
            let name = (o.name ?? "-").padding(toLength: 20, withPad: " ", startingAt: 0)
            lines.append(String(format: "%5d  %@ %10d %9d  %@  %@", o.id, name, o.gaussians, o.area, o.color,
                                o.parent.map { String($0) } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
