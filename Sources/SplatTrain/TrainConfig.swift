import Foundation
import SplatIO
import SplatMath

/// The colour composited behind the Gaussians (and behind RGBA ground truth).
public enum BackgroundMode: String, Codable, Sendable, CaseIterable {
    case black, white, random
}

/// Every training hyperparameter, with the official 3DGS / Unified-Lift defaults (METHOD.md §5,
/// §1.4). Written to the model folder as `cfg.json`.
///
/// Two deliberate choices:
/// - `densifyUntilIteration` is 10,000 as in Unified-Lift's `train.json` (official 3DGS: 15,000).
/// - Densification and opacity-reset intervals keep their official meaning for any run length;
///   a short `iterations` only stops earlier. The position learning rate, however, decays over
///   `positionLRMaxSteps`, which defaults to `iterations` (3DGS ties both to 30,000).
public struct TrainConfig: Codable, Sendable, Equatable {
    // Run
    /// The scene folder (recorded so `render` and `eval` find the cameras again).
    public var scenePath: String = ""
    /// Images folder of a COLMAP scene when not `images/` (nil = default).
    public var imagesPath: String? = nil
    /// COLMAP model folder when not `sparse/0` (nil = default).
    public var sparsePath: String? = nil
    /// Image downscale factor (`-r`).
    public var resolution: Int = 1
    public var iterations: Int = 30_000
    public var seed: UInt64 = 0
    public var background: BackgroundMode = .black
    /// Rasterizer and loss worker threads: 0 = all cores.
    public var threads: Int = 0

    // Spherical harmonics
    public var maxSHDegree: Int = 3
    /// One more SH band every this many iterations.
    public var shDegreeInterval: Int = 1000

    // Learning rates (Adam per group)
    public var positionLRInit: Double = 1.6e-4
    public var positionLRFinal: Double = 1.6e-6
    public var positionLRDelayMult: Double = 0.01
    public var positionLRDelaySteps: Int = 0
    /// Steps of the log-linear position decay; nil = `iterations`.
    public var positionLRMaxSteps: Int? = nil
    public var featureDCLR: Double = 0.0025
    public var featureRestLR: Double = 0.0025 / 20
    public var opacityLR: Double = 0.05
    public var scalingLR: Double = 0.005
    public var rotationLR: Double = 0.001
    /// Learning rate of the identity features (METHOD.md §1.4).
    public var identityFeatureLR: Double = 0.0025
    /// When set, the identity-feature rate decays log-linearly from `identityFeatureLR` to this
    /// over the run (like the position rate); nil keeps it constant, as Unified-Lift does.
    public var identityFeatureLRFinal: Double? = nil
    public var adamBeta1: Double = 0.9
    public var adamBeta2: Double = 0.999
    public var adamEpsilon: Double = 1e-15

    // Loss
    public var lambdaDSSIM: Double = 0.2

    // Densification
    public var densifyFromIteration: Int = 500
    public var densificationInterval: Int = 100
    public var densifyUntilIteration: Int = 10_000
    public var densifyGradThreshold: Double = 0.0002
    public var percentDense: Double = 0.01
    /// Children per split Gaussian; their scale is the parent's / (0.8·splitCount).
    public var splitCount: Int = 2
    public var minOpacity: Double = 0.005
    /// Screen radius (px) above which a Gaussian is pruned, once past `opacityResetInterval`.
    /// nil (default) disables it: official 3DGS resets `max_radii2D` in `densification_postfix`
    /// just before this test, so it never fires there; set 20 for the rule as the paper states it.
    public var maxScreenSize: Double? = nil
    /// World-size prune: max scale above this fraction of the scene extent (same time rule).
    public var maxWorldScaleFraction: Double = 0.1
    public var opacityResetInterval: Int = 3000
    public var opacityResetValue: Double = 0.01

    // Initialisation
    public var initOpacity: Double = 0.1
    public var initNeighbours: Int = 3
    public var initMinSquaredDistance: Double = 1e-7
    /// Points drawn when the scene has none (Blender / NeRF-synthetic), as in 3DGS.
    public var randomInitPoints: Int = 100_000
    /// Extra points for the distant background (sky, hills, far ground) that SfM leaves nearly
    /// empty, added when the scene has points: uniform directions around the cameras' centroid,
    /// distances log-uniform in `distantRadii` × the scene extent. 0 = none, as official 3DGS.
    public var distantPoints: Int = 2000
    public var distantRadii: [Double] = [3, 30]

    // Output
    /// Checkpoint every this many iterations (and at the end); 0 = only at the end.
    public var checkpointInterval: Int = 1000
    /// Iterations at which `point_cloud/iteration_N/point_cloud.ply` is written (the last one always is).
    public var saveIterations: [Int] = [7000, 30_000]
    /// Plain log line every this many iterations when stdout is not a terminal.
    public var logInterval: Int = 100

    public init() {}

    /// The background a trained model is shown and scored on (random-background models on black).
    public var displayBackground: SIMD3<Float> { background == .white ? SIMD3(1, 1, 1) : .zero }

    /// The step count of the position learning-rate decay.
    public var effectivePositionLRMaxSteps: Int { positionLRMaxSteps ?? iterations }

    /// How to load `scenePath` (images/sparse folders), with photos composited over `background`.
    public func sceneLoadOptions(background: SIMD3<Float>) -> SceneLoadOptions {
        SceneLoadOptions(images: imagesPath.map { URL(fileURLWithPath: $0) },
                         sparse: sparsePath.map { URL(fileURLWithPath: $0) }, background: background)
    }

    /// The downscale factors (`-r`) and worker-thread counts (0 = all cores) a run accepts; the
    /// command line checks its options against the same ranges.
    public static let resolutionRange = 1...1024
    public static let threadRange = 0...1024

    /// Throws when a setting is out of range, naming it.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw SplatError("invalid setting: \(message)") } }
        try check(iterations >= 1, "iterations must be ≥ 1")
        try check(Self.resolutionRange.contains(resolution), "resolution (-r) must be \(Self.resolutionRange.lowerBound)…\(Self.resolutionRange.upperBound)")
        try check((0...3).contains(maxSHDegree), "maxSHDegree must be 0…3")
        try check(shDegreeInterval >= 1, "shDegreeInterval must be ≥ 1")
        try check(densificationInterval >= 1 && opacityResetInterval >= 1, "densify/opacity-reset intervals must be ≥ 1")
        try check(splitCount >= 1, "splitCount must be ≥ 1")
        try check(initNeighbours >= 1, "initNeighbours must be ≥ 1")
        try check(Self.threadRange.contains(threads), "threads must be \(Self.threadRange.lowerBound)…\(Self.threadRange.upperBound)")
        try check(distantPoints >= 0, "distantPoints must be ≥ 0")
        try check(distantRadii.count == 2 && distantRadii[0] > 0 && distantRadii[0] <= distantRadii[1],
                  "distantRadii must be [inner, outer] with 0 < inner ≤ outer")
        try check(positionLRInit > 0 && positionLRFinal > 0, "position learning rates must be > 0")
        // The rest of the fields, so a hand-edited cfg.json fails here, naming the field, rather
        // than as NaN losses or a crash hours into a resumed run.
        for (name, rate) in [("featureDCLR", featureDCLR), ("featureRestLR", featureRestLR), ("opacityLR", opacityLR),
                             ("scalingLR", scalingLR), ("rotationLR", rotationLR), ("identityFeatureLR", identityFeatureLR),
                             ("identityFeatureLRFinal", identityFeatureLRFinal ?? 1)] {
            try check(rate >= 0 && rate.isFinite, "\(name) must be ≥ 0")
        }
        try check(positionLRDelayMult > 0 && positionLRDelayMult <= 1, "positionLRDelayMult must be in (0, 1]")
        try check(positionLRDelaySteps >= 0, "positionLRDelaySteps must be ≥ 0")
        try check((positionLRMaxSteps ?? 1) >= 1, "positionLRMaxSteps must be ≥ 1")
        try check(adamBeta1 >= 0 && adamBeta1 < 1 && adamBeta2 >= 0 && adamBeta2 < 1, "adamBeta1 and adamBeta2 must be in [0, 1)")
        try check(adamEpsilon > 0 && adamEpsilon.isFinite, "adamEpsilon must be > 0")
        try check((0...1).contains(lambdaDSSIM), "lambdaDSSIM must be in [0, 1]")
        try check(densifyFromIteration >= 0 && densifyUntilIteration >= 0, "densifyFromIteration and densifyUntilIteration must be ≥ 0")
        try check(densifyGradThreshold >= 0, "densifyGradThreshold must be ≥ 0")
        try check(percentDense >= 0 && percentDense.isFinite, "percentDense must be ≥ 0")
        try check(minOpacity >= 0 && minOpacity < 1, "minOpacity must be in [0, 1)")
        try check(maxScreenSize.map { $0 > 0 } ?? true, "maxScreenSize must be > 0")
        try check(maxWorldScaleFraction > 0, "maxWorldScaleFraction must be > 0")
        try check(opacityResetValue > 0 && opacityResetValue < 1, "opacityResetValue must be in (0, 1)")
        try check(initOpacity > 0 && initOpacity < 1, "initOpacity must be in (0, 1)")
        try check(initMinSquaredDistance > 0 && initMinSquaredDistance.isFinite, "initMinSquaredDistance must be > 0")
        try check(randomInitPoints >= 1 && randomInitPoints <= 1 << 27, "randomInitPoints must be 1…134217728")
        try check(distantPoints <= 1 << 27, "distantPoints must be ≤ 134217728")
        try check(checkpointInterval >= 0, "checkpointInterval must be ≥ 0")
        try check(logInterval >= 0, "logInterval must be ≥ 0")
        try check(saveIterations.allSatisfy { $0 >= 1 }, "saveIterations must all be ≥ 1")
    }
}
