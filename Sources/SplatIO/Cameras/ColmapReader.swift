import Foundation
import SplatMath

/// The on-disk encoding of a COLMAP model.
public enum ColmapFormat: String, Sendable {
    case binary = "colmap-bin", text = "colmap-text"
}

/// Finds and reads a COLMAP sparse model folder (e.g. `sparse/0`), binary or text.
public enum ColmapReader {
    /// Which encoding `directory` holds: binary when all three `.bin` files exist (preferred, as in
    /// COLMAP and 3DGS), else text when all three `.txt` files exist; an error names what is missing.
    public static func format(of directory: URL) throws -> ColmapFormat {
        let fm = FileManager.default
        func has(_ ext: String) -> [String] {
            ["cameras", "images", "points3D"].filter {
                !fm.fileExists(atPath: directory.appendingPathComponent("\($0).\(ext)").path)
            }
        }
        let missingBin = has("bin"), missingTxt = has("txt")
        if missingBin.isEmpty { return .binary }
        if missingTxt.isEmpty { return .text }
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw SplatError("COLMAP model folder does not exist", path: directory.path)
        }
        throw SplatError("not a complete COLMAP model: needs cameras, images and points3D as .bin or .txt "
                         + "(missing .bin: \(missingBin.joined(separator: ", ")); missing .txt: \(missingTxt.joined(separator: ", ")))",
                         path: directory.path)
    }

    /// Reads the model in `directory` (binary preferred) and checks its cross-references.
    public static func read(directory: URL) throws -> ColmapModel {
        try read(directory: directory, format: format(of: directory))
    }

    /// Reads the model in `directory` in the given encoding and checks its cross-references.
    public static func read(directory: URL, format: ColmapFormat) throws -> ColmapModel {
        let model = switch format {
        case .binary: try ColmapBinaryReader.read(directory: directory)
        case .text: try ColmapTextReader.read(directory: directory)
        }
        try validate(model, directory: directory, format: format)
        return model
    }

    /// Every image names an existing camera, image ids and names are unique, and every track
    /// element names an existing image.
    static func validate(_ model: ColmapModel, directory: URL, format: ColmapFormat) throws {
        let ext = format == .binary ? "bin" : "txt"
        let imagesPath = directory.appendingPathComponent("images.\(ext)").path
        var ids = Set<Int>(), names = Set<String>()
        for image in model.images {
            guard model.cameras[image.cameraID] != nil else {
                throw SplatError("image \(image.id) '\(image.name)' uses camera \(image.cameraID), which cameras.\(ext) does not define",
                                 path: imagesPath)
            }
            guard ids.insert(image.id).inserted else { throw SplatError("duplicate image id \(image.id)", path: imagesPath) }
            guard names.insert(image.name).inserted else { throw SplatError("duplicate image name '\(image.name)'", path: imagesPath) }
        }
        for point in model.points {
            for t in point.track where !ids.contains(t.imageID) {
                throw SplatError("point \(point.id) has a track element in image \(t.imageID), which images.\(ext) does not define",
                                 path: directory.appendingPathComponent("points3D.\(ext)").path)
            }
        }
    }
}
