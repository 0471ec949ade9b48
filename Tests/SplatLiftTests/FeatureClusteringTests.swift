import Testing
@testable import SplatLift
import SplatMath

@Suite struct FeatureClusteringTests {
    /// A sample of three feature directions plus a few far-off features that HDBSCAN calls noise:
    /// the clusters follow the directions, and every Gaussian, whatever its feature's length, takes
    /// the cluster whose mean direction is nearest to its own.
    @Test func clustersTheSampleAndAssignsEveryGaussianByDirection() throws {
        let d = 16
        var rng = SplatRandom(seed: 3)
        func direction(_ axis: Int, lean: Int? = nil) -> [Float] {
            FeatureClustering.normalized((0..<d).map { j in
                (j == axis ? 1 : j == lean ? 0.3 : 0) + 0.02 * Float(rng.uniform() - 0.5)
            })
        }
        var sample = [Float]()
        for c in 0..<3 { for _ in 0..<60 { sample += direction(c) } }
        for c in 0..<3 { sample += direction(8 + c) }                       // noise
        var gaussians = GaussianParams(count: 9, shDegree: 0, featureCount: d)
        for i in 0..<9 {
            let length = Float(1 + 20 * rng.uniform())                       // lengths do not matter
            let f = i < 6 ? direction(i % 3) : direction(8 + i - 6, lean: i - 6)
            for j in 0..<d { gaussians.features[i * d + j] = length * f[j] }
        }
        let result = try FeatureClustering.cluster(gaussians, sample: sample, settings: HDBSCAN.Settings(minClusterSize: 20),
                                                   threads: 1)
        #expect(result.clusters == 3 && result.noise == 3)
        #expect(Set(result.ids[0..<3]).count == 3)
        #expect(Array(result.ids[3..<6]) == Array(result.ids[0..<3]))
        #expect(Array(result.ids[6..<9]) == Array(result.ids[0..<3]))      // a lean decides
    }

    @Test func noClusterMakesOneObject() throws {
        let gaussians = GaussianParams(count: 4, shDegree: 0, featureCount: 2)
        let result = try FeatureClustering.cluster(gaussians, sample: [1, 0, 0, 1, -1, 0], settings: HDBSCAN.Settings(minClusterSize: 3),
                                                   threads: 1)
        #expect(result.ids == [0, 0, 0, 0] && result.clusters == 1)
    }

    @Test func normalisedHasUnitLength() {
        let f = FeatureClustering.normalized([3, 4])
        #expect(abs(f[0] - 0.6) < 1e-6 && abs(f[1] - 0.8) < 1e-6)
        #expect(FeatureClustering.normalized([0, 0]) == [0, 0])
    }
}
