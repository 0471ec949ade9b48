import Foundation
import Testing
@testable import SplatLift
import SplatMath

/// The codebook branch on a pixel sample (`LiftConfig.codebookPixels`): the draw is uniform and
/// without replacement, and the branch on the sample is exactly the released branch run on a view
/// made of the sampled pixels alone.
@Suite struct CodebookPixelSampleTests {
    static func view(width: Int = 12, height: Int = 10, labels: [Int32] = [0, 2, 7, 9, 4]) throws -> SegmentLabels {
        try SegmentLabels(width: width, height: height, labels: Fixture.bands(width: width, height: height, labels: labels, stray: 11))
    }

    @Test func drawsDistinctIncreasingPixelsWithTheirLabels() throws {
        let view = try Self.view()
        var rng = SplatRandom(seed: 5)
        var sample = CodebookPixelSample()
        for count in [1, 7, 60, 119] {
            sample.draw(from: view, count: count, rng: &rng)
            #expect(sample.pixelCount == count)
            #expect(zip(sample.pixels, sample.pixels.dropFirst()).allSatisfy { $0 < $1 })
            #expect(sample.pixels.allSatisfy { $0 >= 0 && Int($0) < view.pixelCount })
            // Sample labels: the view's labels the sample holds, in the view's order, with their counts.
            #expect(zip(sample.viewLabels, sample.viewLabels.dropFirst()).allSatisfy { $0 < $1 })
            for (s, u) in sample.pixels.enumerated() {
                #expect(sample.viewLabels[Int(sample.labels[s])] == Int(view.index[Int(u)]))
            }
            #expect(sample.areas.reduce(0, +) == count && sample.areas.allSatisfy { $0 > 0 })
        }
    }

    @Test func everyPixelIsDrawnEquallyOften() throws {
        let view = try Self.view(width: 10, height: 5)
        var rng = SplatRandom(seed: 9)
        var sample = CodebookPixelSample()
        var hits = [Int](repeating: 0, count: view.pixelCount)
        let draws = 2_000
        for _ in 0..<draws {
            sample.draw(from: view, count: 10, rng: &rng)
            for u in sample.pixels { hits[Int(u)] += 1 }
        }
        // Each pixel: Binomial(2000, 0.2), mean 400, σ ≈ 17.9; 5σ either side.
        #expect(hits.allSatisfy { abs($0 - 400) < 90 }, "\(hits)")
    }

    @Test func viewEntriesMapBackAndMarkLabelsNotDrawn() throws {
        let view = try Self.view()
        var rng = SplatRandom(seed: 1)
        var sample = CodebookPixelSample()
        sample.draw(from: view, count: 3, rng: &rng)
        let entries = sample.viewLabels.indices.map { 100 + $0 }
        let mapped = sample.viewEntries(entries, viewLabelCount: view.labelCount)
        for label in 0..<view.labelCount {
            if let s = sample.viewLabels.firstIndex(of: label) { #expect(mapped[label] == 100 + s) } else { #expect(mapped[label] == -1) }
        }
    }

    /// The objective with a pixel limit against the released objective (limit 0) on a view made of
    /// the sampled pixels only (an m×1 label map and its features): the same codebook gradient,
    /// losses, confident fraction and mapping.
    @Test func sampledBranchIsTheReleasedBranchOnTheSampledPixels() throws {
        let width = 24, height = 18, n = width * height, d = 16, limit = 150
        let raw = Fixture.bands(width: width, height: height, labels: [0, 3, 5, 8, 12, 20], stray: 30)
        var rng = SplatRandom(seed: 77)
        let features = Fixture.clusteredFeatures(labels: raw, d: d, noise: 0.3, rng: &rng).map(Float.init)
        var config = LiftConfig()
        config.codebookSize = 32
        config.sampleCount = 64
        config.codebookPixels = limit
        let sampled = try LiftObjective(config: config, labelMaps: [raw], width: width, height: height)
        var gradient = [Float]()
        let terms = try sampled.evaluate(iteration: 3, viewIndex: 0, features: features, width: width, height: height,
                                         featureGradient: &gradient)
        let pixels = sampled.pixelSample.pixels.map(Int.init)
        #expect(pixels.count == limit)

        var released = config
        released.codebookPixels = 0
        let subLabels = pixels.map { raw[$0] }
        var subFeatures = [Float](repeating: 0, count: d * limit)
        for (s, u) in pixels.enumerated() { for j in 0..<d { subFeatures[j * limit + s] = features[j * n + u] } }
        let reference = try LiftObjective(config: released, labelMaps: [subLabels], width: limit, height: 1)
        try reference.setCodebook(Codebook(entryCount: 32, featureCount: d, values: sampled.codebook))
        var referenceGradient = [Float]()
        let referenceTerms = try reference.evaluate(iteration: 3, viewIndex: 0, features: subFeatures, width: limit,
                                                    height: 1, featureGradient: &referenceGradient)

        for key in ["class", "concentration", "confident_fraction"] {
            let a = terms[key] ?? .nan, b = referenceTerms[key] ?? .nan
            #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(key): \(a) against \(b)")
        }
        #expect(Fixture.relativeError(sampled.lastCodebookGradient.map(Double.init),
                                      reference.lastCodebookGradient.map(Double.init)) < 1e-5)
        // The mapping, per label value (labels the sample missed get -1).
        let view = sampled.views[0]
        for (i, value) in view.values.enumerated() {
            if let r = reference.views[0].values.firstIndex(of: value) {
                #expect(sampled.lastPseudoEntries[i] == reference.lastPseudoEntries[r])
            } else {
                #expect(sampled.lastPseudoEntries[i] == -1)
            }
        }
    }

    @Test func smallViewsAndTheUnblockedObjectiveReadEveryPixel() throws {
        let raw = Fixture.bands(width: 10, height: 8, labels: [0, 3, 5])
        var rng = SplatRandom(seed: 4)
        let features = Fixture.clusteredFeatures(labels: raw, d: 16, noise: 0.3, rng: &rng).map(Float.init)
        func codebookGradient(limit: Int, blocking: Bool) throws -> [Float] {
            var config = LiftConfig()
            config.codebookPixels = limit
            config.gradientBlocking = blocking
            let objective = try LiftObjective(config: config, labelMaps: [raw], width: 10, height: 8)
            var gradient = [Float]()
            _ = try objective.evaluate(iteration: 1, viewIndex: 0, features: features, width: 10, height: 8,
                                       featureGradient: &gradient)
            return objective.lastCodebookGradient
        }
        #expect(try codebookGradient(limit: 80, blocking: true) == codebookGradient(limit: 0, blocking: true))
        #expect(try codebookGradient(limit: 20, blocking: false) == codebookGradient(limit: 0, blocking: false))
        #expect(try codebookGradient(limit: 20, blocking: true) != codebookGradient(limit: 0, blocking: true))
    }

    @Test func olderLiftFilesReadEveryPixelAndNegativeLimitsAreRefused() throws {
        #expect(LiftConfig().codebookPixels == 16_384)
        #expect(try LiftConfig.decodedWithout(key: "codebookPixels").codebookPixels == 0)
        var bad = LiftConfig()
        bad.codebookPixels = -1
        #expect(throws: SplatError.self) { try bad.validate() }
    }
}

extension LiftConfig {
    /// The default config read back from a lift.json without `key`, as written before that option existed.
    static func decodedWithout(key: String) throws -> LiftConfig {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(LiftConfig())) as! [String: Any]
        json.removeValue(forKey: key)
        return try JSONDecoder().decode(LiftConfig.self, from: JSONSerialization.data(withJSONObject: json))
    }
}
