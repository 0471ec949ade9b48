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
        let settings = beginStep(params, rates: rates, skipping: skipping)
        return update(&params, rows: 0..<params.count, gradients: gradients, step: settings, threads: threads)
    }

    /// Starts one step: advances the step count of every group that has parameters, except
    /// `skipping`, and returns what `update` applies to each array.
    public mutating func beginStep(_ params: GaussianParams, rates: GroupLearningRates,
                                   skipping: Set<ParameterGroup> = []) -> AdamStep {
        func advance(_ group: ParameterGroup) -> AdamStep.Setting {
            steps[group.rawValue] += 1
            let t = Double(steps[group.rawValue])
            let bias1 = 1 - pow(beta1, t), bias2 = 1 - pow(beta2, t)
            return AdamStep.Setting(stepSize: Float(rates[group] / bias1), invSqrtBias2: Float(1 / bias2.squareRoot()))
        }
        var step = AdamStep()
        if !skipping.contains(.means) { step[.means] = [advance(.means)] }
        if !skipping.contains(.shDC) && !skipping.contains(.shRest) {
            let dc = advance(.shDC), rest = advance(.shRest)
            step[.sh] = (0..<GaussianParams.shStride).map { $0 < 3 ? dc : rest }
        }
        if !skipping.contains(.opacity) { step[.opacityLogits] = [advance(.opacity)] }
        if !skipping.contains(.scaling) { step[.logScales] = [advance(.scaling)] }
        if !skipping.contains(.rotation) { step[.rotations] = [advance(.rotation)] }
        if params.featureCount > 0 && params.count > 0 && !skipping.contains(.features) {
            step[.features] = [advance(.features)]
        }
        return step
    }

    /// Applies `step` to Gaussians `rows` of `params` and the moments, with `gradients` of those
    /// rows. Returns false if any updated parameter is NaN or ±∞ (the parameters are still written).
    public mutating func update(_ params: inout GaussianParams, rows: Range<Int>, gradients: GaussianGradients,
                                step: AdamStep, threads: Int = 0) -> Bool {
        precondition(firstMoment.count == params.count && rows.upperBound <= params.count
                     && gradients.opacityLogits.count == rows.count,
                     "Adam state, parameters and gradients disagree on the Gaussian count")
        let kernel = self.kernel(step, featureCount: params.featureCount)
        return params.withArrays { p in
            firstMoment.withArrays { m in
                secondMoment.withArrays { v in
                    gradients.withArrays { g in kernel.run(p, m, v, g, rows: rows, threads: threads) }
                }
            }
        }
    }

    /// The kernel that applies `step` to Gaussians with `featureCount` features.
    func kernel(_ step: AdamStep, featureCount: Int) -> AdamKernel {
        AdamKernel(step: step, featureCount: featureCount, beta1: Float(beta1), beta2: Float(beta2), epsilon: Float(epsilon))
    }

    /// Zeroes both moments of the opacity group (3DGS `replace_tensor_to_optimizer` on reset).
    public mutating func resetOpacityMoments() {
        for i in 0..<firstMoment.opacityLogits.count {
            firstMoment.opacityLogits[i] = 0
            secondMoment.opacityLogits[i] = 0
        }
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
