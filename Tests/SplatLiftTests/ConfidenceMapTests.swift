import Foundation
import Testing
@testable import SplatLift
import SplatMath

@Suite struct ConfidenceMapTests {
    static func fast(_ f: [Double], labels: SegmentLabels, d: Int, threshold: Float = 0.2)
        -> (confidence: [Double], keep: [Bool], kept: Int) {
        let n = labels.pixelCount
        let features = f.map(Float.init)
        var hat = [Float](repeating: 0, count: n * d), norms = [Float](repeating: 0, count: n)
        var confidence = [Float](repeating: 0, count: n), keep = [UInt8](repeating: 0, count: n)
        let map = ConfidenceMap()
        let kept = features.withUnsafeBufferPointer { fp in
            hat.withUnsafeMutableBufferPointer { hp in
                norms.withUnsafeMutableBufferPointer { np in
                    confidence.withUnsafeMutableBufferPointer { cp in
                        keep.withUnsafeMutableBufferPointer { kp in
                            labels.index.withUnsafeBufferPointer { lp in
                                FeatureNormalization.normalize(features: fp.baseAddress!, pixelCount: n, featureCount: d,
                                                               normalized: hp.baseAddress!, norms: np.baseAddress!)
                                return map.compute(normalized: hp.baseAddress!, pixelCount: n, featureCount: d,
                                                   labels: lp.baseAddress!, labelCount: labels.labelCount,
                                                   threshold: threshold, confidence: cp.baseAddress!, keep: kp.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (confidence.map(Double.init), keep.map { $0 != 0 }, kept)
    }

    /// Pixel u of label l gets s·e_l (one axis per label), s > 0.
    static func axisFeatures(_ raw: [Int32], d: Int, axis: (Int32) -> Int) -> [Double] {
        var f = [Double](repeating: 0, count: d * raw.count)
        for (u, l) in raw.enumerated() { f[axis(l) * raw.count + u] = 0.5 + Double(u % 5) * 0.3 }
        return f
    }

    @Test func perfectlyClusteredFeaturesAreAllConfident() throws {
        let (w, h, d) = (12, 4, 16)
        let raw = Fixture.bands(width: w, height: h, labels: [0, 4, 9])
        let labels = try SegmentLabels(width: w, height: h, labels: raw)
        let f = Self.axisFeatures(raw, d: d) { Int($0) }
        let result = Self.fast(f, labels: labels, d: d)
        #expect(result.kept == w * h)
        // e^10 / (e^10 + 2 + 1e-6): temperature 0.1, unit own similarity, zero cross similarity.
        let expected = exp(10.0) / (exp(10.0) + 2 + 1e-6)
        #expect(result.confidence.allSatisfy { abs($0 - expected) < 1e-5 })
    }

    @Test func aPixelCarryingAnotherSegmentsFeatureIsNotConfident() throws {
        let (w, h, d) = (12, 4, 16)
        let raw = Fixture.bands(width: w, height: h, labels: [0, 4, 9])
        let labels = try SegmentLabels(width: w, height: h, labels: raw)
        let intruder = 2 * w + 1   // inside label 0's band, with label 4's feature
        let f = Self.axisFeatures(raw, d: d) { Int($0) }
        var g = f
        for j in 0..<d { g[j * w * h + intruder] = j == 4 ? 1 : 0 }
        let result = Self.fast(g, labels: labels, d: d)
        #expect(!result.keep[intruder])
        #expect(result.confidence[intruder] < 1e-3)
        #expect(result.kept == w * h - 1)
        let reference = Reference.confidence(g, n: w * h, d: d, labels: raw)
        #expect(abs(result.confidence[intruder] - reference[intruder]) < 1e-4 * reference[intruder])
    }

    @Test func fastMatchesReferenceOnNoisyFeatures() throws {
        let (w, h, d) = (20, 12, 16)
        var raw = Fixture.bands(width: w, height: h, labels: [2, 5, 0, 7, 1])
        raw[3] = 42   // a one-pixel label still counts as a prototype (min_pixnum = 0)
        let labels = try SegmentLabels(width: w, height: h, labels: raw)
        var rng = SplatRandom(seed: 21)
        let f = Fixture.clusteredFeatures(labels: raw, d: d, noise: 0.25, rng: &rng)
        let result = Self.fast(f, labels: labels, d: d)
        let reference = Reference.confidence(f, n: w * h, d: d, labels: raw)
        let error = Fixture.relativeError(result.confidence, reference)
        print("confidence: fast vs reference relative error \(error), kept \(result.kept)/\(w * h)")
        #expect(error < 1e-4)
        #expect(result.keep == reference.map { $0 > 0.2 })
        #expect(result.kept > 0 && result.kept < w * h)
    }

    @Test func thresholdIsOneMinusTau() {
        var config = LiftConfig()
        #expect(abs(config.confidenceThreshold - 0.2) < 1e-7)
        config.tau = 0.75
        #expect(abs(config.confidenceThreshold - 0.25) < 1e-7)
    }
}
