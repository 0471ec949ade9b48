import Foundation
import SplatIO
import SplatMath

/// The object-level codebook C ∈ R^{L×d} (METHOD.md §1.1): row k is the identity of object k.
/// Stored row-major, `values[k*featureCount + j]`; never normalised.
///
/// On disk (`codebook.json` in the model folder, the counterpart of [CODE]'s `classifier.pth`):
/// `{"format": "splatlift-codebook-1", "entryCount": L, "featureCount": d, "values": [L·d floats,
/// row-major], "adam": {…}}`; `adam` (optional) holds the optimiser state (learningRate, beta1, beta2,
/// epsilon, stepCount, firstMoment, secondMoment) so training resumes exactly. Floats round-trip exactly.
public struct Codebook: Sendable, Equatable {
    public let entryCount: Int
    public let featureCount: Int
    public var values: [Float]

    /// File name used inside a model folder.
    public static let fileName = "codebook.json"

    /// Seeded U(−1/√d, 1/√d) initialisation, PyTorch's default for the bias-free `Conv2d(d, L, 1)` of
    /// [CODE] (U(−0.25, 0.25) for d = 16).
    public init(entryCount: Int, featureCount: Int, seed: UInt64, scale: Float = 1) {
        self.entryCount = entryCount
        self.featureCount = featureCount
        var rng = SplatRandom(seed: seed)
        let bound = scale / Float(featureCount).squareRoot()
        values = (0..<entryCount * featureCount).map { _ in (2 * rng.uniformFloat() - 1) * bound }
    }

    /// Wraps existing values; throws when the count does not match L·d.
    public init(entryCount: Int, featureCount: Int, values: [Float]) throws {
        let (needed, overflow) = entryCount.multipliedReportingOverflow(by: featureCount)
        guard entryCount > 0, featureCount > 0, !overflow, values.count == needed else {
            throw SplatError("codebook of \(entryCount)x\(featureCount) needs \(overflow ? "more" : String(needed)) values, got \(values.count)")
        }
        self.entryCount = entryCount
        self.featureCount = featureCount
        self.values = values
    }

    /// Writes the codebook (and, if given, its optimiser state so training can resume) as JSON,
    /// atomically.
    public func save(to url: URL, optimizer: CodebookAdam? = nil) throws {
        let file = CodebookFile(format: CodebookFile.formatName, entryCount: entryCount, featureCount: featureCount,
                                values: values, adam: optimizer)
        try JSONFiles.write(file, to: url, what: "the codebook", pretty: false)
    }

    /// Reads a codebook written by `save`.
    public static func load(from url: URL) throws -> Codebook {
        try loadWithOptimizer(from: url).codebook
    }

    /// Reads a codebook and the optimiser state stored beside it (nil when the file has none).
    public static func loadWithOptimizer(from url: URL) throws -> (codebook: Codebook, optimizer: CodebookAdam?) {
        let file = try JSONFiles.read(CodebookFile.self, from: url)
        let codebook: Codebook
        do {
            codebook = try Codebook(entryCount: file.entryCount, featureCount: file.featureCount, values: file.values)
        } catch let error as SplatError {
            throw SplatError(error.message, path: url.path)
        }
        guard codebook.values.allSatisfy(\.isFinite) else {
            throw SplatError("codebook holds non-finite values", path: url.path)
        }
        if let adam = file.adam, adam.firstMoment.count != codebook.values.count || adam.secondMoment.count != codebook.values.count {
            throw SplatError("codebook optimiser state has the wrong size", path: url.path)
        }
        return (codebook, file.adam)
    }

    /// Row k.
    public func entry(_ k: Int) -> ArraySlice<Float> { values[(k * featureCount)..<((k + 1) * featureCount)] }
}

/// The on-disk layout of `codebook.json`.
struct CodebookFile: VersionedJSONFile {
    static let formatName = "splatlift-codebook-1"
    static let kind = "codebook"
    var format: String
    var entryCount: Int
    var featureCount: Int
    var values: [Float]
    var adam: CodebookAdam?
}

/// The codebook's own Adam (METHOD.md §1.4: lr 5e-4, β 0.9/0.999, ε 1e-8), with PyTorch's bias
/// correction: θ ← θ − lr·m̂/(√v̂ + ε).
public struct CodebookAdam: Codable, Sendable, Equatable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var stepCount: Int = 0
    public var firstMoment: [Float]
    public var secondMoment: [Float]

    public init(parameterCount: Int, learningRate: Double = 5e-4, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        firstMoment = [Float](repeating: 0, count: parameterCount)
        secondMoment = [Float](repeating: 0, count: parameterCount)
    }

    /// One update of `parameters` with `gradient` (same length).
    public mutating func step(_ parameters: inout [Float], gradient: [Float]) {
        stepCount += 1
        let b1 = Float(beta1), b2 = Float(beta2)
        let correction1 = 1 - Foundation.pow(beta1, Double(stepCount))
        let correction2 = 1 - Foundation.pow(beta2, Double(stepCount))
        let stepSize = Float(learningRate / correction1)
        let rootCorrection2 = Float(correction2.squareRoot())
        let eps = Float(epsilon)
        let n = min(parameters.count, gradient.count)
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                parameters.withUnsafeMutableBufferPointer { theta in
                    for i in 0..<n {
                        let g = gradient[i]
                        m[i] = b1 * m[i] + (1 - b1) * g
                        v[i] = b2 * v[i] + (1 - b2) * g * g
                        theta[i] -= stepSize * m[i] / (v[i].squareRoot() / rootCorrection2 + eps)
                    }
                }
            }
        }
    }
}
