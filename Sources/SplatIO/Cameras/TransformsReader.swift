import Foundation
import SplatMath

/// One frame of a nerfstudio / instant-ngp / Blender transforms file, converted to the internal
/// camera convention (world→camera, x right, y down, z forward).
public struct TransformsFrame: Sendable {
    /// `file_path` exactly as written in the JSON.
    public var filePath: String
    /// The image file: `file_path` resolved against the JSON's folder, with `.png` appended when it
    /// has no extension (NeRF-synthetic writes `./train/r_0`).
    public var imageURL: URL
    /// Pinhole intrinsics (before undistortion these are the lens's fx, fy, cx, cy) and pose.
    public var camera: PinholeCamera
    /// The lens distortion (OpenCV k1 k2 k3 p1 p2), nil when all zero.
    public var distortion: CameraDistortion?
}

/// A parsed transforms file.
public struct TransformsFile: Sendable {
    public var url: URL
    public var frames: [TransformsFrame]
    /// `ply_file_path` resolved against the JSON's folder (nerfstudio's seed point cloud), if given.
    public var plyURL: URL?
    /// `train_filenames` and `test_filenames` (else `val_filenames`) as written, if given.
    public var trainFiles: [String]?
    public var testFiles: [String]?
}

/// Reads nerfstudio / instant-ngp `transforms.json` and Blender `transforms_*.json` files.
///
/// Intrinsics: per-frame `fl_x fl_y cx cy w h k1 k2 k3 p1 p2` override the global ones. Missing
/// `w`/`h` come from the image file (`imageSize`); missing `fl_x` comes from `camera_angle_x`
/// (fx = ½w / tan(½ camera_angle_x)); missing `fl_y` from `camera_angle_y`, else fy = fx; missing
/// `cx`/`cy` are the image centre. `camera_model` may be absent, `PINHOLE` or `OPENCV`
/// (`OPENCV_FISHEYE`, `EQUIRECTANGULAR` and nonzero `k4` are refused).
///
/// Poses: `transform_matrix` is camera→world with OpenGL axes (x right, y up, z back). Flipping
/// its y and z columns gives OpenCV axes; inverting gives world→camera. nerfstudio's
/// `applied_transform` is ignored: it describes how the poses were made from COLMAP's, and the
/// poses and `ply_file_path` points are already in the same frame.
public enum TransformsReader {
    /// Parses `url`. `imageSize` is asked only for frames whose size the JSON does not give.
    public static func read(_ url: URL, imageSize: (URL) throws -> (width: Int, height: Int)) throws -> TransformsFile {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SplatError("cannot read file (\(error.localizedDescription))", path: path)
        }
        let json: [String: Any]
        do {
            guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw SplatError("top level is not a JSON object", path: path)
            }
            json = obj
        } catch let e as SplatError { throw e } catch {
            throw SplatError("not valid JSON (\(error.localizedDescription))", path: path)
        }
        guard let frames = json["frames"] as? [[String: Any]] else {
            throw SplatError("has no \"frames\" list", path: path)
        }
        let folder = url.deletingLastPathComponent()
        var out: [TransformsFrame] = []
        out.reserveCapacity(frames.count)
        for (k, frame) in frames.enumerated() {
            out.append(try readFrame(frame, index: k, global: json, folder: folder, path: path, imageSize: imageSize))
        }
        return TransformsFile(
            url: url, frames: out,
            plyURL: (json["ply_file_path"] as? String).map { folder.appendingPathComponent($0) },
            trainFiles: json["train_filenames"] as? [String],
            testFiles: (json["test_filenames"] as? [String]) ?? (json["val_filenames"] as? [String]))
    }

    /// World→camera rotation and translation of an OpenGL camera→world 4×4 matrix (rows).
    public static func worldToCamera(openGLCameraToWorld m: [[Double]]) -> (rotation: Mat3, translation: Vec3) {
        // Columns 1 and 2 flip: OpenGL (y up, z back) → OpenCV (y down, z forward).
        let c2w = Mat3(rows: Vec3(m[0][0], -m[0][1], -m[0][2]),
                       Vec3(m[1][0], -m[1][1], -m[1][2]),
                       Vec3(m[2][0], -m[2][1], -m[2][2]))
        let r = c2w.transposed
        return (r, -(r * Vec3(m[0][3], m[1][3], m[2][3])))
    }

    private static func readFrame(_ frame: [String: Any], index k: Int, global: [String: Any], folder: URL, path: String,
                                  imageSize: (URL) throws -> (width: Int, height: Int)) throws -> TransformsFrame {
        func fail(_ message: String) -> SplatError { SplatError("frame \(k): \(message)", path: path) }
        func number(_ key: String) throws -> Double? {
            guard let raw = frame[key] ?? global[key] else { return nil }
            guard let v = (raw as? NSNumber)?.doubleValue, v.isFinite else { throw fail("\(key) is not a finite number") }
            return v
        }
        guard let filePath = frame["file_path"] as? String else { throw fail("has no file_path") }
        var imageURL = folder.appendingPathComponent(filePath).standardizedFileURL
        if imageURL.pathExtension.isEmpty { imageURL.appendPathExtension("png") }

        guard let m = frame["transform_matrix"] as? [[Any]], m.count >= 3, m.allSatisfy({ $0.count == 4 }) else {
            throw fail("transform_matrix is not a 3×4 or 4×4 matrix")
        }
        let rows = m.map { $0.compactMap { ($0 as? NSNumber)?.doubleValue } }
        guard rows.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isFinite) }) else {
            throw fail("transform_matrix has a non-numeric or non-finite entry")
        }
        let (rotation, translation) = worldToCamera(openGLCameraToWorld: rows)
        let rrt = rotation * rotation.transposed
        let offIdentity = (0..<3).flatMap { i in (0..<3).map { j in abs(rrt[i, j] - (i == j ? 1 : 0)) } }.max() ?? 0
        guard offIdentity < 1e-4, rotation.determinant > 0 else {
            throw fail("transform_matrix rotation is not orthonormal (|RRᵀ − I| = \(offIdentity)); scaled poses are not supported")
        }

        func pixels(_ key: String) throws -> Int? {
            guard let v = try number(key) else { return nil }
            guard v >= 1, v <= Double(1 << 20) else { throw fail("\(key) = \(v) is not an image size in pixels (1...\(1 << 20))") }
            return Int(v)
        }
        var width = try pixels("w"), height = try pixels("h")
        if width == nil || height == nil {
            let size = try imageSize(imageURL)
            width = width ?? size.width; height = height ?? size.height
        }
        guard let w = width, let h = height, w > 0, h > 0 else { throw fail("image size is not positive") }
        let fx: Double
        if let f = try number("fl_x") { fx = f } else if let a = try number("camera_angle_x") {
            fx = 0.5 * Double(w) / tan(0.5 * a)
        } else { throw fail("has neither fl_x nor camera_angle_x") }
        var fy = fx
        if let f = try number("fl_y") { fy = f } else if let a = try number("camera_angle_y") { fy = 0.5 * Double(h) / tan(0.5 * a) }
        guard fx > 0 && fy > 0 else { throw fail("focal length is not positive") }
        let camera = PinholeCamera(width: w, height: h, fx: fx, fy: fy,
                                   cx: try number("cx") ?? Double(w) / 2, cy: try number("cy") ?? Double(h) / 2,
                                   rotation: rotation, translation: translation)

        let model = (frame["camera_model"] ?? global["camera_model"]) as? String ?? "OPENCV"
        guard model == "OPENCV" || model == "PINHOLE" || model == "SIMPLE_PINHOLE" else {
            throw fail("camera_model \(model) is not supported (only PINHOLE and OPENCV); undistort the images first")
        }
        if let k4 = try number("k4"), k4 != 0 { throw fail("k4 = \(k4) is not supported for the OPENCV model") }
        let d = CameraDistortion(k1: try number("k1") ?? 0, k2: try number("k2") ?? 0, k3: try number("k3") ?? 0,
                                 p1: try number("p1") ?? 0, p2: try number("p2") ?? 0)
        if model != "OPENCV" && !d.isIdentity { throw fail("camera_model \(model) has distortion coefficients") }
        return TransformsFrame(filePath: filePath, imageURL: imageURL, camera: camera, distortion: d.isIdentity ? nil : d)
    }
}
