import Foundation
import SplatMath

/// Summaries behind `splatlift info`: plain values (Codable for `--json`) plus a human-readable text.

/// One distinct camera (intrinsics and lens) of a scene and how many views use it.
public struct CameraSummary: Codable, Equatable, Sendable {
    public var width: Int, height: Int
    public var fx: Double, fy: Double, cx: Double, cy: Double
    /// "none", or the nonzero OpenCV coefficients (undistorted on load), e.g. "k1=0.05 p1=-0.001".
    public var distortion: String
    public var views: Int
}

/// A scene folder: poses, split, masks, points.
public struct SceneSummary: Codable, Equatable, Sendable {
    public var kind = "scene"
    public var path: String
    public var format: String
    public var views: Int
    public var trainViews: Int
    public var testViews: Int
    public var split: String
    public var cameras: [CameraSummary]
    /// Distinct image sizes, "WxH".
    public var imageSizes: [String]
    /// The masks folder relative to the scene (nil when there is none) and how many views have a mask.
    public var masks: String?
    public var viewsWithMasks: Int
    public var viewsWithGroundTruth: Int
    public var points: Int
    /// "model", "from images", or "none".
    public var pointColors: String
    public var sceneExtent: Double

    public init(_ scene: Scene) {
        path = scene.root.path
        format = scene.format.rawValue
        views = scene.views.count
        trainViews = scene.trainIndices.count
        testViews = scene.testIndices.count
        split = scene.splitSource
        var cams: [CameraSummary] = []
        for v in scene.views {
            let c = v.camera
            let d = Self.describe(v.distortion)
            if let k = cams.firstIndex(where: { $0.width == c.width && $0.height == c.height && $0.fx == c.fx && $0.fy == c.fy
                && $0.cx == c.cx && $0.cy == c.cy && $0.distortion == d }) {
                cams[k].views += 1
            } else {
                cams.append(CameraSummary(width: c.width, height: c.height, fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy, distortion: d, views: 1))
            }
        }
        cameras = cams
        var sizes: [String] = []
        for v in scene.views {
            let s = "\(v.camera.width)x\(v.camera.height)"
            if !sizes.contains(s) { sizes.append(s) }
        }
        imageSizes = sizes
        masks = scene.masksFolder.map { SceneFiles.relativePath($0, to: scene.root) }
        viewsWithMasks = scene.views.filter { $0.maskURL != nil }.count
        viewsWithGroundTruth = scene.views.filter { $0.gtURL != nil }.count
        points = scene.pointCount
        pointColors = scene.pointColors == nil ? "none" : (scene.pointColorsFromImages ? "from images" : "model")
        sceneExtent = scene.sceneExtent
    }

    static func describe(_ d: CameraDistortion?) -> String {
        guard let d else { return "none" }
        let terms = [("k1", d.k1), ("k2", d.k2), ("k3", d.k3), ("k4", d.k4), ("k5", d.k5), ("k6", d.k6), ("p1", d.p1), ("p2", d.p2)]
        return terms.filter { $0.1 != 0 }.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }

    /// A few lines for a terminal.
    public var text: String {
        var lines = ["scene \(path)",
                     "  format: \(format)",
                     "  views: \(views) (\(trainViews) train, \(testViews) test; split: \(split))",
                     "  image size: \(imageSizes.joined(separator: ", "))"]
        lines.append("  cameras: \(cameras.count)")
        for c in cameras.prefix(8) {
            let lens = c.distortion == "none" ? "pinhole" : "distorted (\(c.distortion)), undistorted on load"
            lines.append("    \(c.width)x\(c.height) fx \(fmt(c.fx)) fy \(fmt(c.fy)) cx \(fmt(c.cx)) cy \(fmt(c.cy)), \(lens); \(c.views) view\(c.views == 1 ? "" : "s")")
        }
        if cameras.count > 8 { lines.append("    … and \(cameras.count - 8) more") }
        lines.append("  masks: " + (masks.map { "\($0) (\(viewsWithMasks) of \(views) views)" } ?? "none"))
        lines.append("  ground truth: " + (viewsWithGroundTruth > 0 ? "gt_instance (\(viewsWithGroundTruth) views)" : "none"))
        lines.append("  points: \(points) (colours: \(pointColors))")
        lines.append("  scene extent: \(fmt(sceneExtent))")
        return lines.joined(separator: "\n")
    }
}

/// A COLMAP model folder on its own (`sparse/0`).
public struct ColmapSummary: Codable, Equatable, Sendable {
    public var kind = "colmap"
    public var path: String
    public var format: String
    /// "id MODEL WxH params…" per camera, by id.
    public var cameras: [String]
    public var images: Int
    public var points: Int
    public var meanTrackLength: Double
    public var meanObservationsPerImage: Double

    public init(_ model: ColmapModel, path: URL, format: ColmapFormat) {
        self.path = path.path
        self.format = format.rawValue
        cameras = model.cameras.values.sorted { $0.id < $1.id }
            .map { "\($0.id) \($0.model.name) \($0.width)x\($0.height) " + $0.params.map(fmt).joined(separator: " ") }
        images = model.images.count
        points = model.points.count
        meanTrackLength = points == 0 ? 0 : Double(model.points.reduce(0) { $0 + $1.track.count }) / Double(points)
        meanObservationsPerImage = images == 0 ? 0 : Double(model.images.reduce(0) { $0 + $1.points2D.count }) / Double(images)
    }

    public var text: String {
        (["COLMAP model \(path)", "  format: \(format)", "  cameras: \(cameras.count)"]
            + cameras.prefix(8).map { "    \($0)" }
            + (cameras.count > 8 ? ["    … and \(cameras.count - 8) more"] : [])
            + ["  images: \(images) (mean \(fmt(meanObservationsPerImage)) keypoints)",
               "  points: \(points) (mean track length \(fmt(meanTrackLength)))"]).joined(separator: "\n")
    }
}

/// A 3DGS PLY file.
public struct PLYSummary: Codable, Equatable, Sendable {
    public var kind = "ply"
    public var path: String
    public var gaussians: Int
    public var shDegree: Int
    /// Identity feature channels (`obj_dc_*`).
    public var featureCount: Int
    /// Distinct `object_id` values, nil when the file has none.
    public var objectIDs: Int?
    public var boundsMin: [Float]
    public var boundsMax: [Float]
    /// Properties outside the 3DGS layout, in file order.
    public var extraProperties: [String]

    public init(_ ply: GaussianPLY, path: URL) {
        self.path = path.path
        let g = ply.gaussians
        gaussians = g.count
        shDegree = g.shDegree
        featureCount = g.featureCount
        objectIDs = ply.objectIDs.map { Set($0).count }
        var lo = [Float](repeating: .infinity, count: 3), hi = [Float](repeating: -.infinity, count: 3)
        for i in 0..<g.count {
            for a in 0..<3 { lo[a] = min(lo[a], g.means[3 * i + a]); hi[a] = max(hi[a], g.means[3 * i + a]) }
        }
        boundsMin = g.count == 0 ? [0, 0, 0] : lo
        boundsMax = g.count == 0 ? [0, 0, 0] : hi
        extraProperties = ply.extraColumns.map(\.name)
    }

    public var text: String {
        func v(_ a: [Float]) -> String { "(" + a.map { fmt(Double($0)) }.joined(separator: ", ") + ")" }
        return ["PLY \(path)",
                "  gaussians: \(gaussians)",
                "  SH degree: \(shDegree)",
                "  identity features: \(featureCount)",
                "  object ids: " + (objectIDs.map { "\($0) distinct" } ?? "none"),
                "  bounds: \(v(boundsMin)) .. \(v(boundsMax))",
                "  extra properties: " + (extraProperties.isEmpty ? "none" : extraProperties.joined(separator: " "))]
            .joined(separator: "\n")
    }
}

/// Four significant digits for display.
private func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
