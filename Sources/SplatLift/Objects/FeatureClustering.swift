import SplatMath
import SplatTrain

/// Stage 1 of the post-processing baseline (OmniSeg3D-GS, Contrastive Lift; docs/SEGMENTATION.md
/// "The clustering baseline"): HDBSCAN over every Gaussian's normalised identity feature
/// f̂ = F/(‖F‖ + 1e-6). The contrastive loss sees only f̂ (METHOD.md §1.3(a)), so the direction is
/// what was learned and the length is not; the Gaussians are clustered rather than rendered pixels
/// because they are what the objects are made of (a pixel clustering would need lifting again).
public enum FeatureClustering {
    public struct Result: Sendable {
        /// Per Gaussian its cluster 0..<clusters.
        public var ids: [Int32]
        public var clusters: Int
        /// Gaussians HDBSCAN called noise, before they took their neighbour's cluster.
        public var noise: Int
    }

    /// The normalised features, n·d row-major.
    public static func normalizedFeatures(_ gaussians: GaussianParams) -> [Float] {
        let d = gaussians.featureCount
        var out = gaussians.features
        for i in 0..<gaussians.count {
            var sum: Float = 0
            for j in 0..<d { sum += out[i * d + j] * out[i * d + j] }
            let scale = 1 / (sum.squareRoot() + 1e-6)
            for j in 0..<d { out[i * d + j] *= scale }
        }
        return out
    }

    /// HDBSCAN clusters of the normalised features; a noise Gaussian takes the cluster of the
    /// clustered Gaussian nearest to its centre (in space: the object it sits in; an exact
    /// nearest neighbour in feature space would cost a search per noise point and size). With no
    /// cluster at all, every Gaussian is one object.
    public static func cluster(_ gaussians: GaussianParams, features: [Float]? = nil, settings: HDBSCAN.Settings,
                               threads: Int = 0) throws -> Result {
        guard gaussians.featureCount > 0 else { throw SplatError("clustering needs Gaussians with identity features") }
        let labels = try HDBSCAN.labels(points: features ?? normalizedFeatures(gaussians), dimension: gaussians.featureCount,
                                        settings: settings, threads: threads)
        let clusters = Int((labels.max() ?? -1) + 1)
        let clustered = labels.indices.filter { labels[$0] >= 0 }
        guard !clustered.isEmpty else {
            return Result(ids: [Int32](repeating: 0, count: gaussians.count), clusters: 1, noise: gaussians.count)
        }
        let means = gaussians.means
        let tree = KDTree3(points: clustered.flatMap { means[(3 * $0)..<(3 * $0 + 3)] })
        let ids = labels.indices.map { i -> Int32 in
            if labels[i] >= 0 { return labels[i] }
            return labels[clustered[tree.nearest(to: (means[3 * i], means[3 * i + 1], means[3 * i + 2]))!]]
        }
        return Result(ids: ids, clusters: clusters, noise: gaussians.count - clustered.count)
    }
}
