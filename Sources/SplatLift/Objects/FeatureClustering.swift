import SplatMath
import SplatRaster

/// Stage 1 of the post-processing baseline (Contrastive Lift, OmniSeg3D-GS; docs/SEGMENTATION.md
/// "The post-processing baseline"): HDBSCAN over normalised identity features f̂ = F/(‖F‖ + 1e-6).
/// The contrastive loss sees only f̂ of rendered pixels (METHOD.md §1.3(a)), so, as Contrastive
/// Lift does, HDBSCAN runs on the rendered features of a fixed-size random sample of training
/// pixels (a minimum cluster size of 10…200 then means the same on any scene); every Gaussian then
/// takes the cluster whose mean direction is nearest to its own feature's.
public enum FeatureClustering {
    /// Pixels HDBSCAN sees by default.
    public static let defaultSampleSize = 30_000

    public struct Result: Sendable {
        /// Per Gaussian its cluster 0..<clusters.
        public var ids: [Int32]
        public var clusters: Int
        /// Sampled pixels HDBSCAN called noise.
        public var noise: Int
    }

    /// The normalised rendered features of `size` training pixels (n·d row-major): an equal share
    /// of each view, drawn without replacement among the pixels some Gaussian covers; the same for
    /// a given seed.
    public static func pixelSample(_ inputs: ObjectPipeline.Inputs, size: Int = defaultSampleSize, seed: UInt64 = 0) -> [Float] {
        let d = inputs.gaussians.featureCount, views = inputs.cameras.count
        let options = RenderOptions.identityFeatures(threads: inputs.threads)
        var rng = SplatRandom(seed: seed)
        var sample = [Float]()
        for (v, camera) in inputs.cameras.enumerated() {
            let features = inputs.backend.render(inputs.gaussians, camera: camera, options: options).features
            let n = camera.width * camera.height
            var covered = (0..<n).filter { p in (0..<d).contains { features[$0 * n + p] != 0 } }
            let share = min(covered.count, (size * (v + 1)) / views - (size * v) / views)
            for i in 0..<share {
                covered.swapAt(i, i + rng.int(below: covered.count - i))   // partial Fisher-Yates
                let p = covered[i]
                sample += normalized((0..<d).map { features[$0 * n + p] })
            }
        }
        return sample
    }

    /// HDBSCAN clusters of `sample` (from `pixelSample`), extended to every Gaussian by the nearest
    /// cluster mean (largest dot product with the normalised mean). With no cluster at all, every
    /// Gaussian is one object.
    public static func cluster(_ gaussians: GaussianParams, sample: [Float], settings: HDBSCAN.Settings,
                               threads: Int = 0) throws -> Result {
        let d = gaussians.featureCount
        guard d > 0 else { throw SplatError("clustering needs Gaussians with identity features") }
        let labels = try HDBSCAN.labels(points: sample, dimension: d, settings: settings, threads: threads)
        let clusters = Int((labels.max() ?? -1) + 1)
        let noise = labels.filter { $0 < 0 }.count
        guard clusters > 0 else { return Result(ids: [Int32](repeating: 0, count: gaussians.count), clusters: 1, noise: noise) }
        var sums = [Float](repeating: 0, count: clusters * d)
        for (s, label) in labels.enumerated() where label >= 0 {
            for j in 0..<d { sums[Int(label) * d + j] += sample[s * d + j] }
        }
        let means = (0..<clusters).flatMap { c in normalized(Array(sums[(c * d)..<(c * d + d)])) }
        // f̂·mean = (F·mean)/(‖F‖ + 1e-6): the raw feature has the same argmax, without normalising
        // every Gaussian again for every size a search tries.
        let f = gaussians.features
        let ids = (0..<gaussians.count).map { i -> Int32 in
            var best = 0, bestDot = -Float.infinity
            for c in 0..<clusters {
                var dot: Float = 0
                for j in 0..<d { dot += f[i * d + j] * means[c * d + j] }
                if dot > bestDot { (best, bestDot) = (c, dot) }
            }
            return Int32(best)
        }
        return Result(ids: ids, clusters: clusters, noise: noise)
    }

    /// v/(‖v‖ + 1e-6).
    static func normalized(_ v: [Float]) -> [Float] {
        let scale = 1 / (v.reduce(0) { $0 + $1 * $1 }.squareRoot() + 1e-6)
        return v.map { $0 * scale }
    }
}
