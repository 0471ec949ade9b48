import Testing
@testable import SplatLift
import SplatMath

@Suite struct FeatureClusteringTests {
    /// Three feature directions, each on a row of Gaussians in space, plus far-off features that
    /// HDBSCAN calls noise: the clusters follow the directions whatever the length, and each noise
    /// Gaussian joins the cluster of its nearest clustered neighbour in space.
    @Test func clustersByDirectionAndFillsNoiseFromSpace() throws {
        let perCluster = 60, d = 16
        var rng = SplatRandom(seed: 3)
        var gaussians = GaussianParams(count: 3 * perCluster + 3, shDegree: 0, featureCount: d)
        for i in 0..<gaussians.count {
            let cluster = min(i / perCluster, 2)
            // Rows in space: cluster c along x at y = 10c; the 3 extra Gaussians sit on row i - 3·60.
            let row = i < 3 * perCluster ? cluster : i - 3 * perCluster
            gaussians.means[3 * i] = Float(i % perCluster) * 0.1
            gaussians.means[3 * i + 1] = Float(10 * row)
            let length = Float(1 + 20 * rng.uniform())   // directions matter, not lengths
            for j in 0..<d {
                let base: Float = i < 3 * perCluster ? (j == cluster ? 1 : 0) : (j == 8 + (i - 3 * perCluster) ? 1 : 0)
                gaussians.features[i * d + j] = length * (base + 0.02 * Float(rng.uniform() - 0.5))
            }
        }
        let result = try FeatureClustering.cluster(gaussians, settings: HDBSCAN.Settings(minClusterSize: 20), threads: 1)
        #expect(result.clusters == 3)
        #expect(result.noise == 3)
        for c in 0..<3 {
            let ids = Set(result.ids[(c * perCluster)..<((c + 1) * perCluster)])
            #expect(ids.count == 1)
            #expect(result.ids[3 * perCluster + c] == ids.first!)
        }
    }

    @Test func normalisedFeaturesHaveUnitLength() {
        var gaussians = GaussianParams(count: 2, shDegree: 0, featureCount: 2)
        gaussians.features = [3, 4, 0, 0]
        let f = FeatureClustering.normalizedFeatures(gaussians)
        #expect(abs(f[0] - 0.6) < 1e-6 && abs(f[1] - 0.8) < 1e-6)
        #expect(f[2] == 0 && f[3] == 0)
    }
}
