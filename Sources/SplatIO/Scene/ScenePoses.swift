import Foundation
import SplatMath

/// What a pose source (COLMAP, transforms.json, Blender) contributes to a scene before masks,
/// split and consistency checks are added.
struct ScenePoses {
    var views: [SceneView]
    var points: [Float] = []
    var colors: [Float]?
    /// Per point, the views that observe it (COLMAP tracks), for colouring points from images.
    var tracks: [[Int]]?
    var format: SceneFormat
    /// A split the source itself defines, as view names, and where it came from.
    var split: (train: [String]?, test: [String], source: String)?
    /// Problems found while reading (e.g. a missing point cloud file).
    var problems: [String] = []
}

/// Shares one undistortion map between views whose cameras have the same intrinsics and lens.
struct UndistortionMaps {
    private var maps: [String: UndistortionMap] = [:]

    mutating func map(for camera: PinholeCamera, distortion: CameraDistortion?) -> UndistortionMap? {
        guard let d = distortion else { return nil }
        let key = "\(camera.width) \(camera.height) \(camera.fx) \(camera.fy) \(camera.cx) \(camera.cy) \(d)"
        if let m = maps[key] { return m }
        let m = UndistortionMap(camera: camera, distortion: d)
        maps[key] = m
        return m
    }
}

enum ColmapPoses {
    /// Views from a COLMAP model (`sparse`) whose images live in `images`.
    static func load(sparse: URL, images: URL) throws -> ScenePoses {
        guard SceneFiles.isDirectory(images) else {
            throw SplatError("images folder is missing (a COLMAP scene needs its photos in images/ next to sparse/)",
                             path: images.path)
        }
        let format = try ColmapReader.format(of: sparse)
        let model = try ColmapReader.read(directory: sparse, format: format)
        var maps = UndistortionMaps()
        var views: [SceneView] = []
        var viewOfImage: [Int: Int] = [:]
        for image in model.images {
            guard let cam = model.cameras[image.cameraID] else { continue }  // validated by the reader
            let distortion: CameraDistortion?
            do { distortion = try CameraDistortion(colmap: cam) } catch let e as SplatError {
                throw SplatError(e.message, path: sparse.path)
            }
            let camera = PinholeCamera(width: cam.width, height: cam.height, fx: cam.fx, fy: cam.fy, cx: cam.cx, cy: cam.cy,
                                       rotation: image.qvec.rotationMatrix, translation: image.tvec)
            viewOfImage[image.id] = views.count
            views.append(SceneView(name: image.name, camera: camera, imageURL: images.appendingPathComponent(image.name),
                                   distortion: distortion, undistortion: maps.map(for: camera, distortion: distortion)))
        }
        var points = [Float](), colors = [Float](), tracks = [[Int]]()
        points.reserveCapacity(3 * model.points.count); colors.reserveCapacity(3 * model.points.count)
        var anyColor = false
        for p in model.points {
            points += [Float(p.xyz.x), Float(p.xyz.y), Float(p.xyz.z)]
            colors += [Float(p.rgb.0) / 255, Float(p.rgb.1) / 255, Float(p.rgb.2) / 255]
            anyColor = anyColor || p.rgb != (0, 0, 0)
            tracks.append(p.track.compactMap { viewOfImage[$0.imageID] })
        }
        return ScenePoses(views: views, points: points, colors: anyColor ? colors : nil, tracks: tracks,
                          format: format == .binary ? .colmapBinary : .colmapText)
    }
}

enum TransformsPoses {
    /// Reads a transforms file; frames without `w`/`h` take the size from the image header. A
    /// missing image gets a placeholder size here and is reported by the consistency check.
    static func frames(_ file: URL) throws -> TransformsFile {
        try TransformsReader.read(file) { url in
            FileManager.default.fileExists(atPath: url.path) ? try ImageIO.imageSize(url) : (1, 1)
        }
    }

    /// Views from a nerfstudio / instant-ngp `transforms.json`, seed points from its `ply_file_path`.
    static func load(file: URL, root: URL) throws -> ScenePoses {
        let t = try frames(file)
        var maps = UndistortionMaps()
        let views = t.frames.map { f in
            SceneView(name: SceneFiles.relativePath(f.imageURL, to: root), camera: f.camera, imageURL: f.imageURL,
                      distortion: f.distortion, undistortion: maps.map(for: f.camera, distortion: f.distortion))
        }.sorted { $0.name < $1.name }
        var poses = ScenePoses(views: views, format: .transforms)
        if let ply = t.plyURL {
            if FileManager.default.fileExists(atPath: ply.path) {
                let cloud = try PLYFile.readPoints(ply)
                poses.points = cloud.positions
                poses.colors = cloud.colors.flatMap { c in c.contains { $0 != 0 } ? c : nil }
            } else {
                poses.problems.append("\(SceneFiles.relativePath(ply, to: root)) (ply_file_path) missing")
            }
        }
        if let test = t.testFiles {
            let name = { (s: String) in SceneFiles.relativePath(file.deletingLastPathComponent().appendingPathComponent(s), to: root) }
            poses.split = (t.trainFiles?.map(name), test.map(name), "transforms file lists")
        }
        return poses
    }
}

enum BlenderPoses {
    /// Views from NeRF-synthetic `transforms_train.json` plus `transforms_test.json`, or
    /// `transforms_val.json` when there is no test file. The split follows the files.
    static func load(root: URL) throws -> ScenePoses {
        let train = try TransformsPoses.frames(root.appendingPathComponent("transforms_train.json"))
        let testURL = ["transforms_test.json", "transforms_val.json"].map { root.appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
        let test = try testURL.map(TransformsPoses.frames)
        var maps = UndistortionMaps()
        func views(_ t: TransformsFile?) -> [SceneView] {
            (t?.frames ?? []).map { f in
                SceneView(name: SceneFiles.relativePath(f.imageURL, to: root), camera: f.camera, imageURL: f.imageURL,
                          distortion: f.distortion, undistortion: maps.map(for: f.camera, distortion: f.distortion))
            }
        }
        let trainViews = views(train), testViews = views(test)
        var poses = ScenePoses(views: (trainViews + testViews).sorted { $0.name < $1.name }, format: .blender)
        poses.split = (trainViews.map(\.name), testViews.map(\.name),
                       "blender files (test views from \(testURL?.lastPathComponent ?? "none"))")
        return poses
    }
}
