import Foundation
import Testing
@testable import SplatLift
import SplatIO
import SplatMath
import SplatTestSupport

@Suite struct InferenceAndStorageTests {
    /// Plain scalar argmax/softmax of C·x in Double.
    static func referenceScores(_ x: [Double], codebook: Codebook) -> (argmax: Int, probabilities: [Double]) {
        let d = codebook.featureCount
        let z = (0..<codebook.entryCount).map { k in (0..<d).reduce(0.0) { $0 + Double(codebook.values[k * d + $1]) * x[$1] } }
        let m = z.max()!
        let e = z.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return (z.firstIndex(of: m)!, e.map { $0 / s })
    }

    @Test(arguments: [256, 37, 16, 1])
    func pixelIdsProbabilitiesAndMasksMatchReference(entries: Int) throws {
        let (n, d) = (300, 16)
        let codebook = Codebook(entryCount: entries, featureCount: d, seed: 9)
        var rng = SplatRandom(seed: 10)
        let f = (0..<n * d).map { _ in Float(rng.normal() * 2) }
        let ids = try LiftInference.pixelIDs(features: f, pixelCount: n, codebook: codebook)
        let probabilities = try LiftInference.probabilities(features: f, pixelCount: n, codebook: codebook)
        let selected: Set<Int> = [0, entries / 2, entries - 1, entries + 5]
        let mask = try LiftInference.softMask(features: f, pixelCount: n, codebook: codebook, ids: selected)
        var worst = 0.0
        for u in 0..<n {
            let x = (0..<d).map { Double(f[$0 * n + u]) }
            let ref = Self.referenceScores(x, codebook: codebook)
            #expect(Int(ids[u]) == ref.argmax)
            for k in 0..<entries { worst = max(worst, abs(Double(probabilities[k * n + u]) - ref.probabilities[k])) }
            let expected = selected.contains { $0 < entries && ref.probabilities[$0] > 0.2 }
            #expect(mask[u] == expected)
        }
        #expect(worst < 1e-5)
    }

    @Test func firstMaximumWinsTies() throws {
        // Entries 3 and 5 identical and best: argmax must be 3, as torch.argmax.
        var values = [Float](repeating: 0, count: 8 * 2)
        values[3 * 2] = 1; values[5 * 2] = 1
        let codebook = try Codebook(entryCount: 8, featureCount: 2, values: values)
        let ids = try LiftInference.pixelIDs(features: [2, 0], pixelCount: 1, codebook: codebook)
        #expect(ids == [3])
    }

    @Test func gaussianIdsUseRawFeatures() throws {
        let codebook = Codebook(entryCount: 256, featureCount: 16, seed: 2)
        var gaussians = GaussianParams(count: 50, featureCount: 16)
        var rng = SplatRandom(seed: 3)
        gaussians.features = (0..<50 * 16).map { _ in Float(rng.normal()) }
        let ids = try LiftInference.gaussianIDs(gaussians, codebook: codebook)
        for i in 0..<50 {
            let x = (0..<16).map { Double(gaussians.features[i * 16 + $0]) }
            #expect(Int(ids[i]) == Self.referenceScores(x, codebook: codebook).argmax)
        }
        let wrong = GaussianParams(count: 2, featureCount: 8)
        #expect(throws: SplatError.self) { try LiftInference.gaussianIDs(wrong, codebook: codebook) }
        #expect(throws: SplatError.self) { try LiftInference.pixelIDs(features: [1, 2, 3], pixelCount: 1, codebook: codebook) }
    }

    @Test func codebookInitialisationIsSeededAndBounded() {
        let a = Codebook(entryCount: 256, featureCount: 16, seed: 1), b = Codebook(entryCount: 256, featureCount: 16, seed: 1)
        #expect(a == b)
        #expect(a.values.allSatisfy { $0 >= -0.25 && $0 < 0.25 })
        #expect(a.values.min()! < -0.24 && a.values.max()! > 0.24)
        #expect(a != Codebook(entryCount: 256, featureCount: 16, seed: 2))
    }

    @Test func adamMatchesTheTorchUpdate() {
        var adam = CodebookAdam(parameterCount: 2, learningRate: 0.1)
        var theta: [Float] = [1, -1]
        adam.step(&theta, gradient: [0.5, -2])
        // Step 1: m̂ = g, v̂ = g², update = lr·g/(|g| + ε) = ±lr.
        #expect(abs(theta[0] - 0.9) < 1e-6 && abs(theta[1] + 0.9) < 1e-6)
        adam.step(&theta, gradient: [0.5, 0])
        // Step 2 on the second parameter: m = 0.9·0.1·(−2)... computed in Double.
        let m = 0.9 * 0.1 * -2.0, v = 0.999 * 0.001 * 4.0
        let update = 0.1 * (m / (1 - 0.81)) / ((v / (1 - 0.998001)).squareRoot() + 1e-8)
        #expect(abs(Double(theta[1]) - (-0.9 - update)) < 1e-5)
    }

    @Test func codebookRoundTripsThroughItsFile() throws {
        let folder = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(Codebook.fileName)
        var labels = [Int32](repeating: 1, count: 64 * 48)
        for u in 0..<(64 * 24) { labels[u] = 2 }
        let objective = try LiftObjective(config: LiftConfig(), labelMaps: [labels], width: 64, height: 48)
        var rng = SplatRandom(seed: 4)
        let f = (0..<16 * 64 * 48).map { _ in Float(rng.normal()) }
        var gradient = [Float]()
        for i in 0..<3 { _ = try objective.step(iteration: i, viewIndex: 0, features: f, width: 64, height: 48, featureGradient: &gradient) }
        try objective.saveCodebook(to: url)
        let loaded = try Codebook.load(from: url)
        #expect(loaded == objective.codebookModel)
        let restored = try LiftObjective(config: LiftConfig(), labelMaps: [labels], width: 64, height: 48)
        try restored.loadCodebook(from: url)
        #expect(restored.codebook == objective.codebook && restored.optimizer == objective.optimizer)
        // Restored training continues bit-identically.
        var g1 = [Float](), g2 = [Float]()
        let t1 = try objective.step(iteration: 3, viewIndex: 0, features: f, width: 64, height: 48, featureGradient: &g1)
        let t2 = try restored.step(iteration: 3, viewIndex: 0, features: f, width: 64, height: 48, featureGradient: &g2)
        #expect(t1 == t2 && g1 == g2 && objective.codebook == restored.codebook)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("codebook.json.tmp").path))
    }

    @Test func badCodebookFilesThrowNamingTheFile() throws {
        let folder = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("codebook.json")
        func expectError(_ text: String, containing part: String) throws {
            try Data(text.utf8).write(to: url)
            do {
                _ = try Codebook.load(from: url)
                Issue.record("no error for \(text)")
            } catch let error as SplatError {
                #expect(error.description.contains(url.path) && error.description.contains(part), "\(error)")
            }
        }
        try expectError("not json", containing: "not a valid codebook")
        try expectError(#"{"format":"other","entryCount":1,"featureCount":1,"values":[0]}"#, containing: "unknown codebook format")
        try expectError(#"{"format":"splatlift-codebook-1","entryCount":2,"featureCount":2,"values":[0]}"#, containing: "needs 4 values")
        let missing = folder.appendingPathComponent("absent.json")
        #expect(throws: SplatError.self) { try Codebook.load(from: missing) }
        let small = try LiftObjective(config: { var c = LiftConfig(); c.codebookSize = 4; return c }(),
                                      labelMaps: [[0, 1, 2, 3]], width: 2, height: 2)
        try small.saveCodebook(to: url)
        let big = try LiftObjective(config: LiftConfig(), labelMaps: [[0, 1, 2, 3]], width: 2, height: 2)
        #expect(throws: SplatError.self) { try big.loadCodebook(from: url) }
    }

    @Test func stepRejectsBadInputWithoutCrashing() throws {
        let objective = try LiftObjective(config: LiftConfig(), labelMaps: [[0, 1, 2, 3]], width: 2, height: 2)
        var g = [Float]()
        #expect(throws: SplatError.self) {
            try objective.step(iteration: 0, viewIndex: 1, features: [Float](repeating: 0, count: 64), width: 2, height: 2, featureGradient: &g)
        }
        #expect(throws: SplatError.self) {
            try objective.step(iteration: 0, viewIndex: 0, features: [Float](repeating: 0, count: 64), width: 4, height: 1, featureGradient: &g)
        }
        #expect(throws: SplatError.self) {
            try objective.step(iteration: 0, viewIndex: 0, features: [Float](repeating: 0, count: 63), width: 2, height: 2, featureGradient: &g)
        }
        #expect(throws: SplatError.self) { try SegmentLabels(width: 3, height: 2, labels: [1, 2]) }
        #expect(throws: SplatError.self) { try LiftObjective(config: { var c = LiftConfig(); c.tau = 1.5; return c }(), views: []) }
        // All-zero features (a fresh render with nothing visible) give finite terms and gradients.
        let terms = try objective.step(iteration: 0, viewIndex: 0, features: [Float](repeating: 0, count: 64), width: 2,
                                       height: 2, featureGradient: &g)
        #expect(terms.values.allSatisfy(\.isFinite) && g.allSatisfy(\.isFinite) && objective.codebook.allSatisfy(\.isFinite))
        #expect(Set(terms.keys) == ["contrastive", "norm", "class", "concentration", "confident_fraction"])
    }

    @Test func stepIsDeterministic() throws {
        let scene = LiftObjectiveTests.blocks(width: 96, height: 64, columns: 4, rows: 3, d: 16, seed: 5)
        func run() throws -> ([String: Double], [Float], [Float]) {
            let objective = try LiftObjective(config: LiftConfig(), labelMaps: [scene.labels], width: 96, height: 64)
            var g = [Float]()
            var terms: [String: Double] = [:]
            for i in 0..<3 {
                terms = try objective.step(iteration: i, viewIndex: 0, features: scene.features, width: 96, height: 64,
                                           featureGradient: &g)
            }
            return (terms, g, objective.codebook)
        }
        let a = try run(), b = try run()
        #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2)
    }
}

@Suite struct LabelMapInputTests {
    @Test func objectiveAcceptsSplatIOLabelMaps() throws {
        let maps = [LabelMap(width: 2, height: 2, labels: [5, 5, 0, 9]), LabelMap(width: 2, height: 2, labels: [1, 1, 1, 1])]
        let objective = try LiftObjective(config: LiftConfig(), labelMaps: maps)
        #expect(objective.views.map(\.values) == [[0, 5, 9], [1]])
        #expect(objective.views[0].index == [1, 1, 0, 2] && objective.views[0].areas == [1, 2, 1])
        let bad = [LabelMap(width: 3, height: 2, labels: [1])]
        #expect(throws: SplatError.self) { try LiftObjective(config: LiftConfig(), labelMaps: bad) }
    }
}
