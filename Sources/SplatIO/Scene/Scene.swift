import Foundation
import SplatMath

/// One posed photo of a scene.
public struct SceneView: Sendable {
    /// The image's name: its path relative to the images folder (COLMAP) or the transforms file's
    /// folder (nerfstudio, Blender), e.g. `frame_00003.png` or `train/r_3.png`.
    public var name: String
    /// The full-resolution pinhole camera of the image as `Scene.loadImage` returns it (after
    /// undistortion, when the source camera had lens distortion).
    public var camera: PinholeCamera
    public var imageURL: URL
    /// The view's 2D instance label map (SAM masks), when the scene has a masks folder.
    public var maskURL: URL?
    /// The view's ground-truth instance map (`gt_instance/`), when present.
    public var gtURL: URL?
    /// The source camera's lens distortion; nil for a pinhole source.
    public var distortion: CameraDistortion?
    /// The resampling map from the distorted source to `camera` (shared by views of one camera).
    public var undistortion: UndistortionMap?

    public init(name: String, camera: PinholeCamera, imageURL: URL, maskURL: URL? = nil, gtURL: URL? = nil,
                distortion: CameraDistortion? = nil, undistortion: UndistortionMap? = nil) {
        self.name = name; self.camera = camera; self.imageURL = imageURL
        self.maskURL = maskURL; self.gtURL = gtURL; self.distortion = distortion; self.undistortion = undistortion
    }
}

/// Where the poses of a scene came from.
public enum SceneFormat: String, Sendable {
    case colmapBinary = "colmap-bin", colmapText = "colmap-text", transforms = "transforms", blender = "blender"
}

/// A loaded scene folder (docs/DESIGN.md "File formats users expect"): posed views in the internal
/// camera convention, the train/test split and the seed point cloud. Images and masks are read on
/// demand with `loadImage`, `loadMask` and `loadGroundTruth`.
public struct Scene: Sendable {
    public var root: URL
    /// Views sorted by name (Blender: train views, then test views, each in file order).
    public var views: [SceneView]
    public var trainIndices: [Int]
    public var testIndices: [Int]
    /// How the split was chosen: "split.json", "transforms file lists", "blender files" or "every 8th".
    public var splitSource: String
    /// Seed points: 3·P world xyz (empty when the source has none: Blender, instant-ngp).
    public var points: [Float]
    /// 3·P colours in [0, 1], or nil when the source has none. COLMAP models whose colours are all
    /// zero (VGGSfM) are recoloured from the images (see `SceneLoader`).
    public var pointColors: [Float]?
    /// True when `pointColors` were sampled from the images rather than read from the model.
    public var pointColorsFromImages: Bool
    public var format: SceneFormat
    /// The masks folder in use, when there is one.
    public var masksFolder: URL?
    /// The colour RGBA images are composited over.
    public var background: SIMD3<Float>

    public var pointCount: Int { points.count / 3 }

    /// The view's camera for an image downscaled by an integer factor.
    public func camera(_ view: Int, downscale: Int = 1) -> PinholeCamera {
        views[view].camera.downscaled(by: max(1, downscale))
    }

    /// Scene extent (METHOD.md §3): 1.1 × the largest distance from a training camera centre to
    /// the mean training camera centre (all cameras when there are no training views).
    public var sceneExtent: Double {
        let indices = trainIndices.isEmpty ? Array(views.indices) : trainIndices
        guard !indices.isEmpty else { return 0 }
        let centers = indices.map { views[$0].camera.center }
        let mean = centers.reduce(Vec3.zero, +) / Double(centers.count)
        return 1.1 * (centers.map { ($0 - mean).length }.max() ?? 0)
    }
}

/// How to load a scene folder.
public struct SceneLoadOptions: Sendable {
    /// An explicit masks folder (default: `object_mask/`, else `sam_masks/`, when present).
    public var masks: URL?
    /// An explicit images folder for COLMAP scenes (default `images/`).
    public var images: URL?
    /// An explicit COLMAP model folder (default `sparse/0`).
    public var sparse: URL?
    /// The colour RGBA images are composited over (Blender scenes: usually black or white).
    public var background: SIMD3<Float>
    /// Fail when the scene has no masks folder.
    public var requireMasks: Bool

    public init(masks: URL? = nil, images: URL? = nil, sparse: URL? = nil, background: SIMD3<Float> = .zero,
                requireMasks: Bool = false) {
        self.masks = masks; self.images = images; self.sparse = sparse
        self.background = background; self.requireMasks = requireMasks
    }
}

extension Scene {
    /// Per view, the path (without extension, relative to an output folder) that `render` writes
    /// the view's files under: the photo's stem (`frame_00003`) when no other view of the scene has
    /// the same stem, else its name without the extension, sub-folders kept (`train/r_0` and
    /// `val/r_0` for NeRF-synthetic's `train/r_0.png` and `val/r_0.png`), so that no view's files
    /// overwrite another's. It depends on the scene only, not on the split rendered.
    public var outputNames: [String] { Self.outputNames(views.map(\.name)) }

    /// `outputNames` for a list of view names.
    public static func outputNames(_ names: [String]) -> [String] {
        let withoutExtension = names.map { ($0 as NSString).deletingPathExtension }
        let stems = withoutExtension.map { ($0 as NSString).lastPathComponent }
        var count: [String: Int] = [:]
        for s in stems { count[s, default: 0] += 1 }
        return names.indices.map { count[stems[$0]]! > 1 ? withoutExtension[$0] : stems[$0] }
    }
}

extension Scene {
    /// The index of the view named by `text` among the views' `names`: an index ("3"), an image name
    /// ("frame_00003.png", "val/r_0.png"), else a stem ("frame_00003", or the stem of a name given
    /// with another folder or extension). An exact name wins over a stem; a stem that several views
    /// share (NeRF-synthetic's `train/r_0.png` and `val/r_0.png`) is refused with their names rather
    /// than resolved to the first.
    public static func viewIndex(_ text: String, names: [String]) throws -> Int {
        if let index = Int(text) {
            guard names.indices.contains(index) else {
                throw SplatError("view \(index) is out of range: the scene has \(names.count) views")
            }
            return index
        }
        if let index = names.firstIndex(of: text) { return index }
        let stem = { (name: String) in ((name as NSString).lastPathComponent as NSString).deletingPathExtension }
        let wanted = stem(text)
        let matches = names.indices.filter { stem(names[$0]) == wanted }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            let shown = matches.prefix(4).map { names[$0] }.joined(separator: ", ")
            throw SplatError("'\(text)' names \(matches.count) views (\(shown)\(matches.count > 4 ? ", …" : "")): give the image name")
        }
        throw SplatError("the scene has no view named '\(text)' (use an index, an image name or its stem)")
    }
}
