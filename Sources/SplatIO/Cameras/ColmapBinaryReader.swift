import Foundation
import SplatMath

/// Reads COLMAP binary models (`cameras.bin`, `images.bin`, `points3D.bin`; COLMAP
/// `src/colmap/scene/reconstruction_io.cc`). Every double must be finite and every count must fit
/// in the file; errors name the file, the record and the byte offset.
public enum ColmapBinaryReader {
    /// Reads the three files of a binary model in `directory`.
    public static func read(directory: URL) throws -> ColmapModel {
        let cameras = try readCameras(directory.appendingPathComponent("cameras.bin"))
        let images = try readImages(directory.appendingPathComponent("images.bin"))
        let points = try readPoints(directory.appendingPathComponent("points3D.bin"))
        return ColmapModel(cameras: cameras, images: images, points: points)
    }

    /// uint64 count; per camera: int32 id, int32 model id, uint64 width, uint64 height, double params[].
    public static func readCameras(_ url: URL) throws -> [Int: ColmapCamera] {
        var c = try BinaryCursor(url: url)
        let n = try c.count("camera count", minBytesEach: 24)
        var cameras: [Int: ColmapCamera] = [:]
        for k in 0..<n {
            c.record = "camera record \(k)"
            let id = Int(try c.int32())
            let modelID = try c.int32()
            guard let model = ColmapCameraModel(rawValue: Int(modelID)) else { throw c.error("unknown camera model id \(modelID)") }
            let width = try c.uint64(), height = try c.uint64()
            guard width > 0 && height > 0 && width < 1 << 31 && height < 1 << 31 else {
                throw c.error("camera size \(width)x\(height) is not valid")
            }
            let params = try (0..<model.parameterCount).map { _ in try c.double("camera parameter") }
            guard cameras[id] == nil else { throw c.error("duplicate camera id \(id)") }
            cameras[id] = ColmapCamera(id: id, model: model, width: Int(width), height: Int(height), params: params)
        }
        try expectEnd(c)
        return cameras
    }

    /// uint64 count; per image: uint32 id, double qvec[4], double tvec[3], uint32 camera id,
    /// NUL-terminated name, uint64 keypoint count, then (double x, double y, int64 point3D id) each.
    public static func readImages(_ url: URL) throws -> [ColmapImage] {
        var c = try BinaryCursor(url: url)
        let n = try c.count("image count", minBytesEach: 73)
        var images: [ColmapImage] = []
        images.reserveCapacity(n)
        for k in 0..<n {
            c.record = "image record \(k)"
            let id = Int(try c.uint32())
            c.record = "image record \(k) (id \(id))"
            let q = Quat(w: try c.double("qw"), x: try c.double("qx"), y: try c.double("qy"), z: try c.double("qz"))
            let t = Vec3(try c.double("tx"), try c.double("ty"), try c.double("tz"))
            guard q.norm > 1e-12 else { throw c.error("zero quaternion") }
            let cameraID = Int(try c.uint32())
            let name = try c.cString()
            let m = try c.count("keypoint count", minBytesEach: 24)
            var points2D: [ColmapObservation] = []
            points2D.reserveCapacity(m)
            for _ in 0..<m {
                points2D.append(ColmapObservation(x: try c.double("keypoint x"), y: try c.double("keypoint y"),
                                                  point3DID: try c.int64()))
            }
            images.append(ColmapImage(id: id, qvec: q, tvec: t, cameraID: cameraID, name: name, points2D: points2D))
        }
        try expectEnd(c)
        return images
    }

    /// uint64 count; per point: uint64 id, double xyz[3], uint8 rgb[3], double error, uint64 track
    /// length, then (uint32 image id, uint32 point2D index) each.
    public static func readPoints(_ url: URL) throws -> [ColmapPoint] {
        var c = try BinaryCursor(url: url)
        let n = try c.count("point count", minBytesEach: 51)
        var points: [ColmapPoint] = []
        points.reserveCapacity(n)
        for k in 0..<n {
            c.record = "point record \(k)"
            let id = try c.int64()
            c.record = "point record \(k) (id \(id))"
            let xyz = Vec3(try c.double("x"), try c.double("y"), try c.double("z"))
            let rgb = (try c.uint8(), try c.uint8(), try c.uint8())
            let error = try c.double("error")
            let m = try c.count("track length", minBytesEach: 8)
            var track: [ColmapTrackElement] = []
            track.reserveCapacity(m)
            for _ in 0..<m {
                track.append(ColmapTrackElement(imageID: Int(try c.uint32()), point2DIndex: Int(try c.uint32())))
            }
            points.append(ColmapPoint(id: id, xyz: xyz, rgb: rgb, error: error, track: track))
        }
        try expectEnd(c)
        return points
    }

    private static func expectEnd(_ c: BinaryCursor) throws {
        guard c.isAtEnd else { throw c.error("\(c.remaining) unexpected bytes after the last record") }
    }
}
