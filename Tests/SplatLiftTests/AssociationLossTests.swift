import Foundation
import Testing
@testable import SplatLift
import SplatMath

@Suite struct AssociationLossTests {
    struct Evaluation {
        var terms: [String: Double]
        var featureGradient: [Double]
        var codebookGradient: [Double]
        var pseudo: [Int32: Int]
    }

    static func config(entries: Int, classWeight: Double, concentrationWeight: Double, filtering: Bool = true,
                       blocking: Bool = true, mapping: IDMappingCost = .area) -> LiftConfig {
        var config = LiftConfig()
        config.codebookSize = entries
        config.weights = LiftWeights(contrastive: 0, norm: 0, classification: classWeight,
                                     concentration: concentrationWeight)
        config.filtering = filtering
        config.gradientBlocking = blocking
        config.mapping = mapping
        config.sampleCount = 64
        return config
    }

    static func evaluate(_ config: LiftConfig, raw: [Int32], width: Int, height: Int, features f: [Double],
                         codebook c: [Double]) throws -> Evaluation {
        let objective = try LiftObjective(config: config, labelMaps: [raw], width: width, height: height)
        try objective.setCodebook(Codebook(entryCount: config.codebookSize, featureCount: config.featureCount,
                                           values: c.map(Float.init)))
        var gradient = [Float]()
        let terms = try objective.evaluate(iteration: 0, viewIndex: 0, features: f.map(Float.init), width: width,
                                           height: height, featureGradient: &gradient)
        var pseudo: [Int32: Int] = [:]
        for (i, v) in objective.views[0].values.enumerated() { pseudo[v] = objective.lastPseudoEntries[i] }
        return Evaluation(terms: terms, featureGradient: gradient.map(Double.init),
                          codebookGradient: objective.lastCodebookGradient.map(Double.init), pseudo: pseudo)
    }

    static func scene(seed: UInt64, labels: [Int32] = [0, 3, 5, 8], entries: Int, w: Int = 10, h: Int = 8, d: Int = 16)
        -> (raw: [Int32], f: [Double], c: [Double]) {
        var rng = SplatRandom(seed: seed)
        let raw = Fixture.bands(width: w, height: h, labels: labels)
        let f = Fixture.clusteredFeatures(labels: raw, d: d, noise: 0.3, rng: &rng)
        let c = (0..<entries * d).map { _ in (rng.uniform() * 2 - 1) * 0.25 }
        return (raw, f, c)
    }

    static func referenceKeep(_ f: [Double], raw: [Int32], d: Int = 16) -> [Bool] {
        Reference.confidence(f, n: raw.count, d: d, labels: raw).map { $0 > 0.2 }
    }

    @Test func valuesAndMappingMatchReference() throws {
        for mapping in IDMappingCost.allCases {
            let (raw, f, c) = Self.scene(seed: 31, entries: 256)
            let fast = try Self.evaluate(Self.config(entries: 256, classWeight: 1e-4, concentrationWeight: 1, mapping: mapping),
                                         raw: raw, width: 10, height: 8, features: f, codebook: c)
            let keep = Self.referenceKeep(f, raw: raw)
            let ref = Reference.association(f, n: raw.count, d: 16, labels: raw, codebook: c, entries: 256,
                                            mapping: mapping, keep: keep)
            #expect(ref.mismatch)
            #expect(fast.pseudo == ref.pseudo)
            #expect(abs(fast.terms["class"]! - ref.classification) < 1e-5 * ref.classification)
            #expect(abs(fast.terms["concentration"]! - ref.concentration) < 1e-5 * ref.concentration)
            #expect(abs(fast.terms["confident_fraction"]! - Double(keep.filter { $0 }.count) / Double(raw.count)) < 1e-12)
        }
    }

    @Test func codebookGradientsMatchFiniteDifferences() throws {
        let entries = 8, d = 16
        let (raw, f, c) = Self.scene(seed: 32, entries: entries)
        let keep = Self.referenceKeep(f, raw: raw)
        let all = Array(0..<c.count)
        // Each term alone, unweighted.
        let cls = try Self.evaluate(Self.config(entries: entries, classWeight: 1, concentrationWeight: 0),
                                    raw: raw, width: 10, height: 8, features: f, codebook: c)
        let fdClass = Reference.finiteDifferences(c, coordinates: all) {
            Reference.association(f, n: raw.count, d: d, labels: raw, codebook: $0, entries: entries, mapping: .area,
                                  keep: keep).classification
        }
        let classError = Fixture.relativeError(cls.codebookGradient, fdClass)
        let conc = try Self.evaluate(Self.config(entries: entries, classWeight: 0, concentrationWeight: 1),
                                     raw: raw, width: 10, height: 8, features: f, codebook: c)
        let fdConc = Reference.finiteDifferences(c, coordinates: all) {
            Reference.association(f, n: raw.count, d: d, labels: raw, codebook: $0, entries: entries, mapping: .area,
                                  keep: keep).concentration
        }
        let concError = Fixture.relativeError(conc.codebookGradient, fdConc)
        print("association dC vs FD: class \(classError), concentration \(concError)")
        #expect(classError < 1e-4)
        #expect(concError < 1e-4)
        // Blocked: no gradient reaches the features.
        #expect(cls.featureGradient.allSatisfy { $0 == 0 } && conc.featureGradient.allSatisfy { $0 == 0 })
    }

    @Test func weightedCodebookGradientAtFullSizeMatchesFiniteDifferences() throws {
        let entries = 256, d = 16
        let (raw, f, c) = Self.scene(seed: 33, entries: entries)
        let keep = Self.referenceKeep(f, raw: raw)
        let fast = try Self.evaluate(Self.config(entries: entries, classWeight: 1e-4, concentrationWeight: 1),
                                     raw: raw, width: 10, height: 8, features: f, codebook: c)
        // Entries the mapping uses carry the concentration pull; others only the class term.
        let used = Set(fast.pseudo.values)
        var rng = SplatRandom(seed: 1)
        var coordinates = used.sorted().flatMap { k in (0..<4).map { k * d + $0 } }
        coordinates += (0..<16).map { _ in rng.int(below: c.count) }
        let fd = Reference.finiteDifferences(c, coordinates: coordinates) {
            let r = Reference.association(f, n: raw.count, d: d, labels: raw, codebook: $0, entries: entries,
                                          mapping: .area, keep: keep)
            return 1e-4 * r.classification + r.concentration
        }
        let picked = coordinates.map { fast.codebookGradient[$0] }
        #expect(Fixture.relativeError(picked, fd) < 1e-4)
        // Class-only coordinates (unused entries) are tiny but must match too.
        let unused = (0..<entries).filter { !used.contains($0) }.prefix(3).map { $0 * d + 1 }
        let fdUnused = Reference.finiteDifferences(c, coordinates: unused, step: 1e-4) {
            1e-4 * Reference.association(f, n: raw.count, d: d, labels: raw, codebook: $0, entries: entries,
                                         mapping: .area, keep: keep).classification
        }
        #expect(Fixture.relativeError(unused.map { fast.codebookGradient[$0] }, fdUnused) < 1e-3)
    }

    @Test func withoutGradientBlockingTheFeatureGradientsMatchFiniteDifferences() throws {
        let entries = 8, d = 16
        let (raw, f, c) = Self.scene(seed: 34, entries: entries)
        let keep = [Bool](repeating: true, count: raw.count)   // filtering off: Ω = all pixels
        let all = Array(0..<f.count)
        for (classWeight, concWeight) in [(1.0, 0.0), (0.0, 1.0)] {
            let fast = try Self.evaluate(Self.config(entries: entries, classWeight: classWeight, concentrationWeight: concWeight,
                                                     filtering: false, blocking: false),
                                         raw: raw, width: 10, height: 8, features: f, codebook: c)
            let fd = Reference.finiteDifferences(f, coordinates: all) {
                let r = Reference.association($0, n: raw.count, d: d, labels: raw, codebook: c, entries: entries,
                                              mapping: .area, keep: keep)
                return classWeight * r.classification + concWeight * r.concentration
            }
            let error = Fixture.relativeError(fast.featureGradient, fd)
            print("association dF (unblocked) vs FD, class \(classWeight) concentration \(concWeight): \(error)")
            #expect(error < 1e-4)
            #expect(fast.terms["confident_fraction"] == 1)
        }
    }

    @Test func classTermIsGatedWhenEveryArgmaxAlreadyMatches() throws {
        let (w, h, d, entries) = (12, 4, 16, 4)
        let raw = Fixture.bands(width: w, height: h, labels: [0, 1, 2])
        let f = ConfidenceMapTests.axisFeatures(raw, d: d) { Int($0) }
        var c = [Double](repeating: 0, count: entries * d)
        for k in 0..<entries { c[k * d + k] = 5 }   // entry k points along axis k: argmax = label
        let r = try Self.evaluate(Self.config(entries: entries, classWeight: 1, concentrationWeight: 0),
                                  raw: raw, width: w, height: h, features: f, codebook: c)
        #expect(r.pseudo == [0: 0, 1: 1, 2: 2])
        #expect(r.terms["class"] == 0)
        #expect(r.codebookGradient.allSatisfy { $0 == 0 })
        // Concentration: each used entry is 4 units from the unit feature along its own axis.
        let q = try Self.evaluate(Self.config(entries: entries, classWeight: 0, concentrationWeight: 1),
                                  raw: raw, width: w, height: h, features: f, codebook: c)
        #expect(abs(q.terms["concentration"]! - 4) < 1e-5)
    }

    @Test func labelsBeyondTheCodebookFallBackToEntryZero() throws {
        let entries = 4, d = 16
        let (raw, f, c) = Self.scene(seed: 35, labels: [1, 2, 3, 4, 5, 6], entries: entries, w: 12, h: 6)
        let r = try Self.evaluate(Self.config(entries: entries, classWeight: 1, concentrationWeight: 1),
                                  raw: raw, width: 12, height: 6, features: f, codebook: c)
        #expect(Set([1, 2, 3, 4].map { r.pseudo[Int32($0)]! }).count == 4)
        #expect(r.pseudo[5] == 0 && r.pseudo[6] == 0)
        let ref = Reference.association(f, n: raw.count, d: d, labels: raw, codebook: c, entries: entries, mapping: .area,
                                        keep: Self.referenceKeep(f, raw: raw))
        #expect(ref.pseudo == r.pseudo)
        #expect(abs(r.terms["class"]! - ref.classification) < 1e-5 * ref.classification)
    }

    @Test func areaAndMeanMappingsDifferWhenABigAndASmallSegmentCompete() throws {
        // Two entries; label 1 covers 100 pixels with P = (0.6, 0.4), label 2 covers 5 with P = (1, 0).
        let sums: [Double] = [60, 40, 5, 0]
        let areas = [100, 5]
        #expect(IDMapping.pseudoEntries(probabilitySums: sums, labelCount: 2, entries: 2, areas: areas, mode: .area) == [0, 1])
        #expect(IDMapping.pseudoEntries(probabilitySums: sums, labelCount: 2, entries: 2, areas: areas, mode: .mean) == [1, 0])
        // The same through the objective with features that produce those probabilities.
        let (w, h, d) = (15, 7, 2)
        var raw = [Int32](repeating: 1, count: w * h)
        for u in 0..<5 { raw[u] = 2 }
        var f = [Double](repeating: 0, count: d * w * h)
        for u in 0..<(w * h) { f[u] = raw[u] == 2 ? 10 : log(0.6 / 0.4) }   // z = (x, 0): P0 = σ(x)
        let c: [Double] = [1, 0, 0, 1]
        for (mode, expected) in [(IDMappingCost.area, [Int32(1): 0, 2: 1]), (.mean, [1: 1, 2: 0])] {
            var config = Self.config(entries: 2, classWeight: 1e-4, concentrationWeight: 1, mapping: mode)
            config.featureCount = d
            let r = try Self.evaluate(config, raw: raw, width: w, height: h, features: f, codebook: c)
            #expect(r.pseudo == expected, "\(mode)")
        }
    }
}
