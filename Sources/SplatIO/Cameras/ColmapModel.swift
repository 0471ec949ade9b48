import SplatMath

/// A COLMAP camera model: its name, the numeric id used in `cameras.bin`, and its parameter list
/// (COLMAP `src/colmap/sensor/models.h`). Every model can be read and written; which ones a scene
/// can use is decided by `CameraDistortion.init(colmap:)`.
public enum ColmapCameraModel: Int, CaseIterable, Sendable {
    case simplePinhole = 0, pinhole = 1, simpleRadial = 2, radial = 3, opencv = 4, opencvFisheye = 5
    case fullOpencv = 6, fov = 7, simpleRadialFisheye = 8, radialFisheye = 9, thinPrismFisheye = 10

    /// The name COLMAP writes in `cameras.txt`.
    public var name: String {
        switch self {
        case .simplePinhole: "SIMPLE_PINHOLE"
        case .pinhole: "PINHOLE"
        case .simpleRadial: "SIMPLE_RADIAL"
        case .radial: "RADIAL"
        case .opencv: "OPENCV"
        case .opencvFisheye: "OPENCV_FISHEYE"
        case .fullOpencv: "FULL_OPENCV"
        case .fov: "FOV"
        case .simpleRadialFisheye: "SIMPLE_RADIAL_FISHEYE"
        case .radialFisheye: "RADIAL_FISHEYE"
        case .thinPrismFisheye: "THIN_PRISM_FISHEYE"
        }
    }

    /// How many parameters the model has (focal lengths and principal point first).
    public var parameterCount: Int {
        switch self {
        case .simplePinhole: 3
        case .pinhole: 4
        case .simpleRadial: 4
        case .radial: 5
        case .opencv: 8
        case .opencvFisheye: 8
        case .fullOpencv: 12
        case .fov: 5
        case .simpleRadialFisheye: 4
        case .radialFisheye: 5
        case .thinPrismFisheye: 12
        }
    }

    /// True when the model has a single focal length `f` (params start `f, cx, cy`).
    public var hasSingleFocal: Bool {
        switch self {
        case .simplePinhole, .simpleRadial, .radial, .simpleRadialFisheye, .radialFisheye: true
        default: false
        }
    }

    /// The model with this `cameras.txt` name, if any.
    public init?(name: String) {
        guard let m = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = m
    }
}

/// One COLMAP camera (intrinsics only).
public struct ColmapCamera: Equatable, Sendable {
    public var id: Int
    public var model: ColmapCameraModel
    public var width: Int
    public var height: Int
    /// The model's parameters in COLMAP order (e.g. PINHOLE: fx, fy, cx, cy).
    public var params: [Double]

    public init(id: Int, model: ColmapCameraModel, width: Int, height: Int, params: [Double]) {
        self.id = id; self.model = model; self.width = width; self.height = height; self.params = params
    }

    /// Focal lengths and principal point in pixels (COLMAP pixel convention: centres at +0.5).
    public var fx: Double { params[0] }
    public var fy: Double { model.hasSingleFocal ? params[0] : params[1] }
    public var cx: Double { model.hasSingleFocal ? params[1] : params[2] }
    public var cy: Double { model.hasSingleFocal ? params[2] : params[3] }
}

/// A 2D keypoint of an image; `point3DID` is −1 when it observes no 3D point.
public struct ColmapObservation: Equatable, Sendable {
    public var x: Double, y: Double
    public var point3DID: Int64
    public init(x: Double, y: Double, point3DID: Int64) { self.x = x; self.y = y; self.point3DID = point3DID }
}

/// One registered image: the world→camera pose (COLMAP convention, the internal one) and its keypoints.
public struct ColmapImage: Equatable, Sendable {
    public var id: Int
    /// World→camera rotation (w, x, y, z) as stored (not renormalised).
    public var qvec: Quat
    /// World→camera translation.
    public var tvec: Vec3
    public var cameraID: Int
    /// The file name relative to the images folder.
    public var name: String
    public var points2D: [ColmapObservation]

    public init(id: Int, qvec: Quat, tvec: Vec3, cameraID: Int, name: String, points2D: [ColmapObservation] = []) {
        self.id = id; self.qvec = qvec; self.tvec = tvec; self.cameraID = cameraID; self.name = name
        self.points2D = points2D
    }
}

/// One element of a 3D point's track: the image and the index of the keypoint in that image.
public struct ColmapTrackElement: Equatable, Sendable {
    public var imageID: Int
    public var point2DIndex: Int
    public init(imageID: Int, point2DIndex: Int) { self.imageID = imageID; self.point2DIndex = point2DIndex }
}

/// One triangulated 3D point.
public struct ColmapPoint: Equatable, Sendable {
    public var id: Int64
    public var xyz: Vec3
    public var rgb: (UInt8, UInt8, UInt8)
    public var error: Double
    public var track: [ColmapTrackElement]

    public init(id: Int64, xyz: Vec3, rgb: (UInt8, UInt8, UInt8), error: Double, track: [ColmapTrackElement] = []) {
        self.id = id; self.xyz = xyz; self.rgb = rgb; self.error = error; self.track = track
    }

    public static func == (a: ColmapPoint, b: ColmapPoint) -> Bool {
        a.id == b.id && a.xyz == b.xyz && a.rgb == b.rgb && a.error == b.error && a.track == b.track
    }
}

/// A COLMAP sparse model (`sparse/0`): cameras by id, images sorted by name, points in file order.
public struct ColmapModel: Equatable, Sendable {
    public var cameras: [Int: ColmapCamera]
    public var images: [ColmapImage]
    public var points: [ColmapPoint]

    public init(cameras: [Int: ColmapCamera], images: [ColmapImage], points: [ColmapPoint]) {
        self.cameras = cameras
        self.images = images.sorted { $0.name < $1.name }
        self.points = points
    }
}
