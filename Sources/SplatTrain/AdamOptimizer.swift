import Foundation
import SplatMath
import SplatRaster

/// The Adam parameter groups of 3DGS (+ the identity features, METHOD.md §1.4).
public enum ParameterGroup: Int, CaseIterable, Sendable {
    case means, shDC, shRest, opacity, scaling, rotation, features
}

/// Learning rate per parameter group for one step.
public struct GroupLearningRates: Sendable, Equatable {
    public var means: Double, shDC: Double, shRest: Double, opacity: Double
    public var scaling: Double, rotation: Double, features: Double

    public init(means: Double, shDC: Double, shRest: Double, opacity: Double,
                scaling: Double, rotation: Double, features: Double) {
        self.means = means; self.shDC = shDC; self.shRest = shRest; self.opacity = opacity
        self.scaling = scaling; self.rotation = rotation; self.features = features
    }

    /// The configured rates, with the position rate taken from its schedule at `iteration`.
    public init(config: TrainConfig, sceneExtent: Double, iteration: Int) {
        let schedule = ExponentialLRSchedule(initial: config.positionLRInit * sceneExtent,
                                             final: config.positionLRFinal * sceneExtent,
                                             delaySteps: config.positionLRDelaySteps,
                                             delayMult: config.positionLRDelayMult,
                                             maxSteps: config.effectivePositionLRMaxSteps)
        let features = config.identityFeatureLRFinal.map {
            ExponentialLRSchedule(initial: config.identityFeatureLR, final: $0, maxSteps: config.iterations).rate(at: iteration)
        } ?? config.identityFeatureLR
        self.init(means: schedule.rate(at: iteration), shDC: config.featureDCLR, shRest: config.featureRestLR,
                  opacity: config.opacityLR, scaling: config.scalingLR, rotation: config.rotationLR,
                  features: features)
    }

    subscript(group: ParameterGroup) -> Double {
        switch group {
        case .means: means
        case .shDC: shDC
        case .shRest: shRest
        case .opacity: opacity
        case .scaling: scaling
        case .rotation: rotation
        case .features: features
        }
    }
}

/// Adam (PyTorch's formulation) over every Gaussian parameter. The moments have the layout of
/// `GaussianParams`, so densification edits them with the same row operations as the parameters.
public struct AdamState: Sendable, Equatable {
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var firstMoment: GaussianParams
    public var secondMoment: GaussianParams
    /// Steps taken per `ParameterGroup` (indexed by raw value).
    public var steps: [Int]

    /// Zero moments for `params`.
    public init(for params: GaussianParams, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-15) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        firstMoment = .zeros(like: params)
        secondMoment = .zeros(like: params)
        steps = [Int](repeating: 0, count: ParameterGroup.allCases.count)
    }

    /// One Adam step of every group that has parameters, except `skipping` (PyTorch skips a
    /// group whose tensor was just replaced, e.g. opacity after a reset). Returns false if any
    /// updated parameter is NaN or ±∞ (the parameters are still written).
    public mutating func step(_ params: inout GaussianParams, gradients: GaussianGradients,
                              rates: GroupLearningRates, skipping: Set<ParameterGroup> = [],
                              threads: Int = 0) -> Bool {
        precondition(firstMoment.count == params.count && gradients.opacityLogits.count == params.count,
                     "Adam state, parameters and gradients disagree on the Gaussian count")
        var finite = true
        func advance(_ groups: [ParameterGroup]) -> [(stepSize: Float, invSqrtBias2: Float)] {
            groups.map { group in
                steps[group.rawValue] += 1
                let t = Double(steps[group.rawValue])
                let bias1 = 1 - pow(beta1, t), bias2 = 1 - pow(beta2, t)
                return (Float(rates[group] / bias1), Float(1 / bias2.squareRoot()))
            }
        }
        let b1 = Float(beta1), b2 = Float(beta2), eps = Float(epsilon)
        func update(_ p: inout [Float], _ m: inout [Float], _ v: inout [Float], _ g: [Float],
                    pattern: [(stepSize: Float, invSqrtBias2: Float)]) {
            if p.isEmpty { return }
            finite = AdamKernel.run(&p, &m, &v, g, pattern: pattern, beta1: b1, beta2: b2, epsilon: eps,
                                    threads: threads) && finite
        }
        if !skipping.contains(.means) {
            update(&params.means, &firstMoment.means, &secondMoment.means, gradients.means, pattern: advance([.means]))
        }
        if !skipping.contains(.shDC) && !skipping.contains(.shRest) {
            let sh = advance([.shDC, .shRest])
            let shPattern = (0..<GaussianParams.shStride).map { $0 < 3 ? sh[0] : sh[1] }
            update(&params.sh, &firstMoment.sh, &secondMoment.sh, gradients.sh, pattern: shPattern)
        }
        if !skipping.contains(.opacity) {
            update(&params.opacityLogits, &firstMoment.opacityLogits, &secondMoment.opacityLogits,
                   gradients.opacityLogits, pattern: advance([.opacity]))
        }
        if !skipping.contains(.scaling) {
            update(&params.logScales, &firstMoment.logScales, &secondMoment.logScales, gradients.logScales,
                   pattern: advance([.scaling]))
        }
        if !skipping.contains(.rotation) {
            update(&params.rotations, &firstMoment.rotations, &secondMoment.rotations, gradients.rotations,
                   pattern: advance([.rotation]))
        }
        if params.featureCount > 0 && params.count > 0 && !skipping.contains(.features) {
            update(&params.features, &firstMoment.features, &secondMoment.features, gradients.features,
                   pattern: advance([.features]))
        }
        return finite
    }

    /// Zeroes both moments of the opacity group (3DGS `replace_tensor_to_optimizer` on reset).
    public mutating func resetOpacityMoments() {
        for i in 0..<firstMoment.opacityLogits.count {
            firstMoment.opacityLogits[i] = 0
            secondMoment.opacityLogits[i] = 0
        }
    }
}

/// The element-wise Adam update, parallel over chunks of whole pattern periods. The finiteness
/// check keeps the largest exponent field seen (integer max vectorises; float flags would not).
enum AdamKernel {
    static func run(_ p: inout [Float], _ m: inout [Float], _ v: inout [Float], _ g: [Float],
                    pattern: [(stepSize: Float, invSqrtBias2: Float)],
                    beta1: Float, beta2: Float, epsilon: Float, threads: Int) -> Bool {
        let n = p.count, period = pattern.count
        precondition(m.count == n && v.count == n && g.count == n && n % period == 0)
        let rowsPerChunk = max(1, 32_768 / period)
        let rows = n / period
        let chunks = (rows + rowsPerChunk - 1) / rowsPerChunk
        var chunkMaxExponent = [UInt32](repeating: 0, count: chunks)
        // Runs of equal settings within one period (SH: DC, then the rest).
        var runs = [(range: Range<Int>, stepSize: Float, scale: Float)]()
        for k in 0..<period {
            if let last = runs.last, last.stepSize == pattern[k].stepSize, last.scale == pattern[k].invSqrtBias2 {
                runs[runs.count - 1].range = last.range.lowerBound..<(k + 1)
            } else {
                runs.append((k..<(k + 1), pattern[k].stepSize, pattern[k].invSqrtBias2))
            }
        }
        let uniform = runs.count == 1
        let periodRuns = runs
        p.withUnsafeMutableBufferPointer { pb in
            m.withUnsafeMutableBufferPointer { mb in
                v.withUnsafeMutableBufferPointer { vb in
                    g.withUnsafeBufferPointer { gb in
                        chunkMaxExponent.withUnsafeMutableBufferPointer { fb in
                            let pp = SendablePointer(pb.baseAddress!), mp = SendablePointer(mb.baseAddress!)
                            let vp = SendablePointer(vb.baseAddress!)
                            let gp = SendablePointer(UnsafeMutablePointer(mutating: gb.baseAddress!))
                            let fp = SendablePointer(fb.baseAddress!)
                            parallelChunks(chunks, threads: threads) { chunk in
                                let r0 = chunk * rowsPerChunk, r1 = min(rows, r0 + rowsPerChunk)
                                var maxExponent: UInt32 = 0
                                if uniform {
                                    update(pp.pointer, mp.pointer, vp.pointer, gp.pointer, range: (r0 * period)..<(r1 * period),
                                           stepSize: periodRuns[0].stepSize, scale: periodRuns[0].scale, beta1: beta1, beta2: beta2,
                                           epsilon: epsilon, maxExponent: &maxExponent)
                                } else {
                                    for row in r0..<r1 {
                                        for run in periodRuns {
                                            let base = row * period
                                            update(pp.pointer, mp.pointer, vp.pointer, gp.pointer,
                                                   range: (base + run.range.lowerBound)..<(base + run.range.upperBound),
                                                   stepSize: run.stepSize, scale: run.scale, beta1: beta1, beta2: beta2,
                                                   epsilon: epsilon, maxExponent: &maxExponent)
                                        }
                                    }
                                }
                                fp.pointer[chunk] = maxExponent
                            }
                        }
                    }
                }
            }
        }
        return chunkMaxExponent.allSatisfy { $0 != 0x7F80_0000 }
    }

    @inline(__always)
    private static func update(_ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                               _ v: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, range: Range<Int>,
                               stepSize: Float, scale: Float, beta1: Float, beta2: Float, epsilon: Float,
                               maxExponent: inout UInt32) {
        var worst = maxExponent
        for i in range {
            let grad = g[i]
            let mi = beta1 * m[i] + (1 - beta1) * grad
            let vi = beta2 * v[i] + (1 - beta2) * grad * grad
            m[i] = mi
            v[i] = vi
            let updated = p[i] - stepSize * mi / (vi.squareRoot() * scale + epsilon)
            p[i] = updated
            worst = max(worst, updated.bitPattern & 0x7F80_0000)
        }
        maxExponent = worst
    }
}

extension GaussianParams {
    /// All-zero arrays (rotations included) with the shape of `other`.
    public static func zeros(like other: GaussianParams) -> GaussianParams {
        var z = GaussianParams(count: 0, shDegree: other.shDegree, featureCount: other.featureCount)
        z.count = other.count
        z.means = [Float](repeating: 0, count: other.means.count)
        z.logScales = [Float](repeating: 0, count: other.logScales.count)
        z.rotations = [Float](repeating: 0, count: other.rotations.count)
        z.opacityLogits = [Float](repeating: 0, count: other.opacityLogits.count)
        z.sh = [Float](repeating: 0, count: other.sh.count)
        z.features = [Float](repeating: 0, count: other.features.count)
        return z
    }
}
