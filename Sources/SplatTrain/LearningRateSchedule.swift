import Foundation

/// 3DGS's `get_expon_lr_func`: log-linear interpolation from `initial` to `final` over
/// `maxSteps`, with an optional sine-eased delay (no effect when `delaySteps` is 0).
public struct ExponentialLRSchedule: Sendable, Equatable {
    public var initial: Double
    public var final: Double
    public var delaySteps: Int
    public var delayMult: Double
    public var maxSteps: Int

    public init(initial: Double, final: Double, delaySteps: Int = 0, delayMult: Double = 1, maxSteps: Int) {
        self.initial = initial; self.final = final
        self.delaySteps = delaySteps; self.delayMult = delayMult; self.maxSteps = maxSteps
    }

    /// The learning rate at `step` (3DGS passes the 1-based iteration).
    public func rate(at step: Int) -> Double {
        if step < 0 || (initial == 0 && final == 0) { return 0 }
        var delayRate = 1.0
        if delaySteps > 0 {
            let t = min(max(Double(step) / Double(delaySteps), 0), 1)
            delayRate = delayMult + (1 - delayMult) * sin(0.5 * Double.pi * t)
        }
        let t = min(max(Double(step) / Double(max(maxSteps, 1)), 0), 1)
        return delayRate * exp(log(initial) * (1 - t) + log(final) * t)
    }
}
