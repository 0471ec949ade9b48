import SplatMath

/// Probabilities (and one mean count) of the simulated SAM corruptions, per view
/// (the model of the shared `gen_scene.py`, in a simpler form).
public struct SamCorruptionRates: Sendable, Equatable, Codable {
    /// Two touching objects merge into one mask.
    public var merge: Double = 0.06
    /// An object merges with a touching background structure.
    public var mergeBackground: Double = 0.01
    /// A mask splits into 2–3 parts (along composite parts or a random image line).
    public var split: Double = 0.08
    /// A mask is missing.
    public var drop: Double = 0.02
    /// A mask under 0.2% of the image is missing.
    public var dropSmall: Double = 0.25
    /// A background mask over 6% of the image is missing (its pixels become 0).
    public var dropLarge: Double = 0.10
    /// A mask is eroded or dilated by 1 px.
    public var jitter: Double = 0.35
    /// Given jitter, the radius is 2 px instead (only at ≥ 100 px resolution). Not scaled.
    public var jitter2: Double = 0.25
    /// Holes: probability that a mask gets a small blob of 0 pixels punched into it.
    public var hole: Double = 0.15
    /// Mean number per view of extra small masks (blobs).
    public var spurious: Double = 0.8

    public init() {}

    /// All rates multiplied by `scale` (except `jitter2`), probabilities capped at 1.
    public func scaled(by scale: Double) -> SamCorruptionRates {
        var r = self
        r.merge = min(1, merge * scale); r.mergeBackground = min(1, mergeBackground * scale)
        r.split = min(1, split * scale); r.drop = min(1, drop * scale)
        r.dropSmall = min(1, dropSmall * scale); r.dropLarge = min(1, dropLarge * scale)
        r.jitter = min(1, jitter * scale); r.hole = min(1, hole * scale)
        r.spurious = spurious * scale
        return r
    }

    /// Every rate 0: masks equal the GT map up to a per-view relabelling.
    public static let none = SamCorruptionRates().scaled(by: 0)
}

/// Everything that determines a generated scene; the same config gives byte-identical files.
public struct SynthConfig: Sendable, Equatable {
    public var preset: String
    public var seed: UInt64
    public var width: Int
    public var height: Int
    public var views: Int
    public var objects: Int
    /// RGB supersampling grid (ss × ss samples per pixel); GT, depth and points use the pixel centre.
    public var supersampling: Int
    /// Target number of points in points3D.
    public var points: Int
    /// Vertical field of view in degrees.
    public var verticalFOV: Double = 50
    /// A view is a test view when its index % holdout == 0.
    public var holdout: Int = 8
    /// Standard deviation of the 3D noise added to points3D (metres).
    public var pointNoise: Double = 0.004
    /// Standard deviation of the 2D observation noise (pixels).
    public var observationNoise: Double = 0.3
    public var maxTrackLength: Int = 8
    public var shadows: Bool = true
    public var samRates = SamCorruptionRates()

    public init(preset: String, seed: UInt64, width: Int, height: Int, views: Int, objects: Int,
                supersampling: Int, points: Int) {
        self.preset = preset; self.seed = seed; self.width = width; self.height = height
        self.views = views; self.objects = objects; self.supersampling = supersampling; self.points = points
    }

    /// Names accepted by `preset(_:seed:)`.
    public static let presetNames = ["tiny", "small", "demo"]

    /// The built-in sizes: `tiny` 64×48, 12 views, 3 objects; `small` 160×120, 24 views, 6 objects;
    /// `demo` 160×120, 28 views, 6 objects, 2×2 supersampling (fast enough to train on 2 cores).
    public static func preset(_ name: String, seed: UInt64 = 0) throws -> SynthConfig {
        switch name {
        case "tiny": return SynthConfig(preset: name, seed: seed, width: 64, height: 48, views: 12, objects: 3,
                                        supersampling: 3, points: 3000)
        case "small": return SynthConfig(preset: name, seed: seed, width: 160, height: 120, views: 24, objects: 6,
                                         supersampling: 3, points: 8000)
        case "demo": return SynthConfig(preset: name, seed: seed, width: 160, height: 120, views: 28, objects: 6,
                                        supersampling: 2, points: 6000)
        default:
            throw SplatError("unknown preset '\(name)' (expected one of \(presetNames.joined(separator: ", ")))")
        }
    }

    /// Throws when a size is out of range.
    public func validate() throws {
        guard width >= 8, height >= 8, width <= 4096, height <= 4096 else {
            throw SplatError("image size \(width)x\(height) is out of range (8...4096)")
        }
        guard views >= 2, views <= 1000 else { throw SplatError("views must be in 2...1000, got \(views)") }
        guard objects >= 0, objects <= 40 else { throw SplatError("objects must be in 0...40, got \(objects)") }
        guard supersampling >= 1, supersampling <= 8 else { throw SplatError("supersampling must be in 1...8") }
        guard points >= 0, holdout >= 2, maxTrackLength >= 2 else { throw SplatError("points, holdout or track length out of range") }
    }

    /// Indices of the test views (index % holdout == 0) and the train views.
    public var testViews: [Int] { (0..<views).filter { $0 % holdout == 0 } }
    public var trainViews: [Int] { (0..<views).filter { $0 % holdout != 0 } }
}
