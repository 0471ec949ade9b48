import Foundation
import Testing
@testable import SplatLift
import SplatMath

@Suite struct ContrastiveLossTests {
    /// The fast Float path: normalisation + ContrastiveLoss, gradient scale 1.
    static func fast(_ f: [Double], labels: SegmentLabels, d: Int, samples: [Int32], minSegmentSamples: Int,
                     wholeSegmentsFrom: Int? = nil,
                     normGradient: NormGradient = .detached) -> (loss: Double, gradient: [Double], temperatures: [Double]) {
        let n = labels.pixelCount
        let features = f.map(Float.init)
        var hat = [Float](repeating: 0, count: n * d), norms = [Float](repeating: 0, count: n)
        var gradient = [Float](repeating: 0, count: n * d)
        let loss = ContrastiveLoss()
        let value = features.withUnsafeBufferPointer { fp in
            hat.withUnsafeMutableBufferPointer { hp in
                norms.withUnsafeMutableBufferPointer { np in
                    gradient.withUnsafeMutableBufferPointer { gp in
                        labels.index.withUnsafeBufferPointer { lp in
                            samples.withUnsafeBufferPointer { sp in
                                FeatureNormalization.normalize(features: fp.baseAddress!, pixelCount: n, featureCount: d,
                                                               normalized: hp.baseAddress!, norms: np.baseAddress!)
                                return loss.evaluate(normalized: hp.baseAddress!, norms: np.baseAddress!, pixelCount: n,
                                                     featureCount: d, labels: lp.baseAddress!, labelCount: labels.labelCount,
                                                     samples: sp, minSegmentSamples: minSegmentSamples,
                                                     wholeSegmentsFrom: wholeSegmentsFrom.map { ($0, labels.areas) },
                                                     normGradient: normGradient, gradientScale: 1, gradient: gp.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (value, gradient.map(Double.init), loss.temperatures)
    }

    static func samples(_ count: Int, pixels: Int, seed: UInt64) -> [Int32] {
        var rng = SplatRandom(seed: seed)
        var s = [Int32]()
        ContrastiveLoss.drawSamples(&s, count: count, pixelCount: pixels, rng: &rng)
        return s
    }

    @Test func gradientMatchesFiniteDifferencesOfTheDetachedReference() throws {
        let (w, h, d) = (8, 6, 16)
        let raw = Fixture.bands(width: w, height: h, labels: [3, 7, 0], stray: 9)
        let labels = try SegmentLabels(width: w, height: h, labels: raw)
        var rng = SplatRandom(seed: 11)
        for noise in [0.05, 0.12, 0.4] {   // φ clipped at 0.5, φ in between, φ clipped at 1
            let f = Fixture.clusteredFeatures(labels: raw, d: d, noise: noise, rng: &rng)
            let samples = Self.samples(300, pixels: w * h, seed: 5)
            let fast = Self.fast(f, labels: labels, d: d, samples: samples, minSegmentSamples: 20)
            let (value, detached) = Reference.contrastive(f, n: w * h, d: d, labels: raw, samples: samples,
                                                          minSegmentSamples: 20)
            #expect(detached.temperatures.count == 3, "the 1-pixel segment must be excluded")
            #expect(abs(fast.loss - value) <= 1e-5 * abs(value), "loss \(fast.loss) vs \(value)")
            let fd = Reference.finiteDifferences(f, coordinates: Array(0..<f.count)) {
                Reference.contrastive($0, n: w * h, d: d, labels: raw, samples: samples, minSegmentSamples: 20,
                                      detached: detached).loss
            }
            let error = Fixture.relativeError(fast.gradient, fd)
            print("contrastive FD, noise \(noise): relative error \(error), φ = \(fast.temperatures), loss \(value)")
            #expect(error < 1e-4, "noise \(noise): gradient relative error \(error), φ = \(fast.temperatures)")
            // The stray pixel and its samples get no gradient.
            let stray = w + 1
            #expect((0..<d).allSatisfy { fast.gradient[$0 * w * h + stray] == 0 })
        }
    }

    /// The `.exact` gradient differentiates through the norm (φ still detached): finite differences
    /// of the reference with live norms; and it has no radial part (f̂·dL/dF = 0 per pixel).
    @Test func exactNormGradientMatchesFiniteDifferences() throws {
        let (w, h, d) = (8, 6, 16)
        let raw = Fixture.bands(width: w, height: h, labels: [3, 7, 0], stray: 9)
        let labels = try SegmentLabels(width: w, height: h, labels: raw)
        var rng = SplatRandom(seed: 21)
        for noise in [0.05, 0.12, 0.4] {
            let f = Fixture.clusteredFeatures(labels: raw, d: d, noise: noise, rng: &rng)
            let samples = Self.samples(300, pixels: w * h, seed: 9)
            let fast = Self.fast(f, labels: labels, d: d, samples: samples, minSegmentSamples: 20, normGradient: .exact)
            var (_, detached) = Reference.contrastive(f, n: w * h, d: d, labels: raw, samples: samples, minSegmentSamples: 20)
            detached.norms = nil
            let fd = Reference.finiteDifferences(f, coordinates: Array(0..<f.count)) {
                Reference.contrastive($0, n: w * h, d: d, labels: raw, samples: samples, minSegmentSamples: 20,
                                      detached: detached).loss
            }
            let error = Fixture.relativeError(fast.gradient, fd)
            print("contrastive FD (exact norm gradient), noise \(noise): relative error \(error)")
            #expect(error < 1e-4, "noise \(noise): gradient relative error \(error)")
            for u in 0..<(w * h) {
                let pixel = Reference.pixel(f, u, n: w * h, d: d), grad = Reference.pixel(fast.gradient, u, n: w * h, d: d)
                #expect(abs(Reference.dot(pixel, grad)) <= 1e-5 * Reference.norm(pixel) * (Reference.norm(grad) + 1e-9))
            }
        }
    }

    /// With whole segments from N pixels, a mask drawn 20 times or fewer but of at least N pixels
    /// counts each of its pixels once: the same as the reference on that substituted sample list.
    @Test(arguments: [(21, [8]), (10, [8, 9])] as [(Int, [Int32])])
    func wholeSmallSegmentsEnterWithEveryPixel(minimum: Int, whole: [Int32]) throws {
        let (w, h, d) = (40, 30, 16)
        var raw = Fixture.bands(width: w, height: h, labels: [1, 2, 3])
        for y in 10..<16 { for x in 10..<15 { raw[y * w + x] = 8 } }     // 30 pixels
        for y in 20..<23 { for x in 30..<35 { raw[y * w + x] = 9 } }     // 15 pixels
        let labels = try SegmentLabels(width: w, height: h, labels: raw)
        var rng = SplatRandom(seed: 31)
        let f = Fixture.clusteredFeatures(labels: raw, d: d, noise: 0.2, rng: &rng)
        let samples = Self.samples(400, pixels: w * h, seed: 3)
        #expect(samples.filter { raw[Int($0)] == 8 }.count <= 20 && samples.filter { raw[Int($0)] == 9 }.count <= 14)
        let substituted = samples.filter { !whole.contains(raw[Int($0)]) }
            + (0..<(w * h)).filter { whole.contains(raw[$0]) }.map(Int32.init)
        let fast = Self.fast(f, labels: labels, d: d, samples: samples, minSegmentSamples: 20, wholeSegmentsFrom: minimum)
        // 14: the 15-pixel segment, substituted whole, enters the reference too; the bands have > 100 draws.
        let (value, detached) = Reference.contrastive(f, n: w * h, d: d, labels: raw, samples: substituted,
                                                      minSegmentSamples: 14)
        #expect(detached.temperatures.keys.sorted() == [1, 2, 3] + whole)
        #expect(abs(fast.loss - value) <= 1e-5 * abs(value), "loss \(fast.loss) vs \(value)")
        let reference = Self.fast(f, labels: labels, d: d, samples: substituted, minSegmentSamples: 14)
        #expect(Fixture.relativeError(fast.gradient, reference.gradient) < 1e-6)
    }

    @Test func detachingNormAndTemperatureChangesTheGradient() throws {
        // Guards the semantics: the full derivative (norm and φ not detached) differs.
        let (w, h, d) = (8, 6, 16)
        let raw = Fixture.bands(width: w, height: h, labels: [1, 2])
        let labels = try SegmentLabels(width: w, height: h, labels: raw)
        var rng = SplatRandom(seed: 12)
        let f = Fixture.clusteredFeatures(labels: raw, d: d, noise: 0.5, rng: &rng)
        let samples = Self.samples(200, pixels: w * h, seed: 6)
        let fast = Self.fast(f, labels: labels, d: d, samples: samples, minSegmentSamples: 20)
        let full = Reference.finiteDifferences(f, coordinates: Array(0..<f.count)) {
            Reference.contrastive($0, n: w * h, d: d, labels: raw, samples: samples, minSegmentSamples: 20).loss
        }
        let gap = Fixture.relativeError(fast.gradient, full)
        print("contrastive: detached vs full-derivative gradient gap \(gap)")
        #expect(gap > 1e-2)
    }

    @Test func fullSizeFastMatchesReference() throws {
        let (w, h, d) = (64, 48, 16)
        var raw = [Int32](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w { raw[y * w + x] = Int32((x / 16) + 4 * (y / 16)) } }   // 12 labels
        raw[5] = 99   // tiny segment
        let labels = try SegmentLabels(width: w, height: h, labels: raw)
        var rng = SplatRandom(seed: 13)
        let f = Fixture.clusteredFeatures(labels: raw, d: d, noise: 0.3, rng: &rng)
        let samples = Self.samples(32_768, pixels: w * h, seed: 7)
        let fast = Self.fast(f, labels: labels, d: d, samples: samples, minSegmentSamples: 20)
        let (value, detached) = Reference.contrastive(f, n: w * h, d: d, labels: raw, samples: samples,
                                                      minSegmentSamples: 20)
        #expect(abs(fast.loss - value) <= 1e-4 * abs(value), "loss \(fast.loss) vs \(value)")
        let coordinates = (0..<24).map { _ in rng.int(below: f.count) }
        let fd = Reference.finiteDifferences(f, coordinates: coordinates, step: 1e-4) {
            Reference.contrastive($0, n: w * h, d: d, labels: raw, samples: samples, minSegmentSamples: 20,
                                  detached: detached).loss
        }
        let picked = coordinates.map { fast.gradient[$0] }
        print("contrastive 64x48: loss fast \(fast.loss) reference \(value); sampled-gradient error \(Fixture.relativeError(picked, fd))")
        #expect(Fixture.relativeError(picked, fd) < 1e-3, "picked \(picked) fd \(fd)")
    }

    @Test func noSegmentBigEnoughGivesZero() throws {
        let raw: [Int32] = [1, 2, 3, 4]
        let labels = try SegmentLabels(width: 2, height: 2, labels: raw)
        let f = (0..<16).map { Double($0) * 0.1 }
        let fast = Self.fast(f, labels: labels, d: 4, samples: Self.samples(40, pixels: 4, seed: 1), minSegmentSamples: 20)
        #expect(fast.loss == 0 && fast.gradient.allSatisfy { $0 == 0 })
    }

    @Test func samplingIsSeededUniformWithReplacement() {
        let a = Self.samples(32_768, pixels: 100, seed: 3), b = Self.samples(32_768, pixels: 100, seed: 3)
        #expect(a == b)
        #expect(a.allSatisfy { $0 >= 0 && $0 < 100 })
        var counts = [Int](repeating: 0, count: 100)
        for s in a { counts[Int(s)] += 1 }
        #expect(counts.min()! > 200 && counts.max()! < 460)   // mean 327.7, σ ≈ 18
    }

    @Test func normRegularizerGradientMatchesFiniteDifferences() {
        let (n, d) = (30, 16)
        var rng = SplatRandom(seed: 4)
        var f = (0..<n * d).map { _ in rng.normal() * 0.4 }
        for j in 0..<d { f[j * n + 7] = 0 }   // a zero pixel: gradient 0, no NaN
        let features = f.map(Float.init)
        var norms = [Float](repeating: 0, count: n), hat = [Float](repeating: 0, count: n * d)
        var gradient = [Float](repeating: 0, count: n * d)
        let partials = ScratchBuffer<Double>(fill: 0)
        let value = features.withUnsafeBufferPointer { fp in
            norms.withUnsafeMutableBufferPointer { np in
                hat.withUnsafeMutableBufferPointer { hp in
                    gradient.withUnsafeMutableBufferPointer { gp in
                        FeatureNormalization.normalize(features: fp.baseAddress!, pixelCount: n, featureCount: d,
                                                       normalized: hp.baseAddress!, norms: np.baseAddress!)
                        return NormRegularizer.evaluate(features: fp.baseAddress!, norms: np.baseAddress!, pixelCount: n,
                                                        featureCount: d, gradientScale: 1, gradient: gp.baseAddress!,
                                                        partials: partials)
                    }
                }
            }
        }
        let reference = Reference.normRegularizer(f, n: n, d: d)
        #expect(abs(value - reference) < 1e-5 * reference)
        let nonzero = (0..<n * d).filter { $0 % n != 7 }
        let fd = Reference.finiteDifferences(f, coordinates: nonzero) { Reference.normRegularizer($0, n: n, d: d) }
        #expect(Fixture.relativeError(nonzero.map { Double(gradient[$0]) }, fd) < 1e-4)
        #expect((0..<d).allSatisfy { gradient[$0 * n + 7] == 0 })
    }
}
