import Foundation
import SplatMath

/// Reads COLMAP text models (`cameras.txt`, `images.txt`, `points3D.txt`), following COLMAP's own
/// reader: `#` comments and blank lines are skipped, and each image line is followed by one
/// (possibly empty) line of `X Y POINT3D_ID` keypoints. Every number must be finite.
public enum ColmapTextReader {
    /// Reads the three files of a text model in `directory`.
    public static func read(directory: URL) throws -> ColmapModel {
        let cameras = try readCameras(directory.appendingPathComponent("cameras.txt"))
        let images = try readImages(directory.appendingPathComponent("images.txt"))
        let points = try readPoints(directory.appendingPathComponent("points3D.txt"))
        return ColmapModel(cameras: cameras, images: images, points: points)
    }

    /// `CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]` per line.
    public static func readCameras(_ url: URL) throws -> [Int: ColmapCamera] {
        let text = try TextFields(url: url)
        var cameras: [Int: ColmapCamera] = [:]
        for line in text.lines.indices where !text.isSkippable(line) {
            let f = text.fields(line)
            guard f.count >= 4 else { throw text.error(line: line, "expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]") }
            let id = try text.int(f[0], line: line, what: "CAMERA_ID")
            let name = text.string(f[1])
            guard let model = ColmapCameraModel(name: name) else {
                throw text.error(line: line, "unknown camera model '\(name)'")
            }
            let width = try text.int(f[2], line: line, what: "WIDTH")
            let height = try text.int(f[3], line: line, what: "HEIGHT")
            guard width > 0 && height > 0 else { throw text.error(line: line, "camera size \(width)x\(height) is not positive") }
            guard f.count - 4 == model.parameterCount else {
                throw text.error(line: line, "\(name) needs \(model.parameterCount) parameters, found \(f.count - 4)")
            }
            let params = try f[4...].map { try text.double($0, line: line, what: "camera parameter") }
            guard cameras[id] == nil else { throw text.error(line: line, "duplicate CAMERA_ID \(id)") }
            cameras[id] = ColmapCamera(id: id, model: model, width: width, height: height, params: params)
        }
        return cameras
    }

    /// `IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME`, then a line of `X Y POINT3D_ID` triples.
    public static func readImages(_ url: URL) throws -> [ColmapImage] {
        let text = try TextFields(url: url)
        var images: [ColmapImage] = []
        var line = 0
        while line < text.lines.count {
            defer { line += 1 }
            if text.isSkippable(line) { continue }
            let f = text.fields(line)
            guard f.count >= 10 else {
                throw text.error(line: line, "expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME")
            }
            let id = try text.int(f[0], line: line, what: "IMAGE_ID")
            let q = try (1...4).map { try text.double(f[$0], line: line, what: "quaternion") }
            let t = try (5...7).map { try text.double(f[$0], line: line, what: "translation") }
            let cameraID = try text.int(f[8], line: line, what: "CAMERA_ID")
            let name = text.rest(of: f[9], line: line)
            guard Quat(w: q[0], x: q[1], y: q[2], z: q[3]).norm > 1e-12 else {
                throw text.error(line: line, "image '\(name)' has a zero quaternion")
            }
            var points2D: [ColmapObservation] = []
            let next = line + 1
            if next < text.lines.count && !isComment(text, next) {
                line = next
                let p = text.fields(line)
                guard p.count % 3 == 0 else { throw text.error(line: line, "POINTS2D must be X Y POINT3D_ID triples") }
                points2D.reserveCapacity(p.count / 3)
                for k in stride(from: 0, to: p.count, by: 3) {
                    points2D.append(ColmapObservation(
                        x: try text.double(p[k], line: line, what: "keypoint x"),
                        y: try text.double(p[k + 1], line: line, what: "keypoint y"),
                        point3DID: Int64(try text.int(p[k + 2], line: line, what: "POINT3D_ID"))))
                }
            }
            images.append(ColmapImage(id: id, qvec: Quat(w: q[0], x: q[1], y: q[2], z: q[3]),
                                      tvec: Vec3(t[0], t[1], t[2]), cameraID: cameraID, name: name,
                                      points2D: points2D))
        }
        return images
    }

    /// `POINT3D_ID X Y Z R G B ERROR TRACK[]` with track pairs `IMAGE_ID POINT2D_IDX`.
    public static func readPoints(_ url: URL) throws -> [ColmapPoint] {
        let text = try TextFields(url: url)
        var points: [ColmapPoint] = []
        for line in text.lines.indices where !text.isSkippable(line) {
            let f = text.fields(line)
            guard f.count >= 8 && (f.count - 8) % 2 == 0 else {
                throw text.error(line: line, "expected POINT3D_ID X Y Z R G B ERROR followed by IMAGE_ID POINT2D_IDX pairs")
            }
            let id = try text.int(f[0], line: line, what: "POINT3D_ID")
            let x = try text.double(f[1], line: line, what: "X")
            let y = try text.double(f[2], line: line, what: "Y")
            let z = try text.double(f[3], line: line, what: "Z")
            let rgb = try (5...7).map { k -> UInt8 in
                let c = try text.int(f[k - 1], line: line, what: "colour")
                guard (0...255).contains(c) else { throw text.error(line: line, "colour \(c) is outside 0...255") }
                return UInt8(c)
            }
            let err = try text.double(f[7], line: line, what: "ERROR")
            var track: [ColmapTrackElement] = []
            track.reserveCapacity((f.count - 8) / 2)
            for k in stride(from: 8, to: f.count, by: 2) {
                track.append(ColmapTrackElement(imageID: try text.int(f[k], line: line, what: "IMAGE_ID"),
                                                point2DIndex: try text.int(f[k + 1], line: line, what: "POINT2D_IDX")))
            }
            points.append(ColmapPoint(id: Int64(id), xyz: Vec3(x, y, z), rgb: (rgb[0], rgb[1], rgb[2]),
                                      error: err, track: track))
        }
        return points
    }

    private static func isComment(_ text: TextFields, _ line: Int) -> Bool {
        text.isSkippable(line) && !text.fields(line).isEmpty
    }
}
