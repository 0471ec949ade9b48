import SplatEval

/// The 3DGS photometric loss (METHOD.md §1.3 d): (1−λ)·L1 + λ·(1 − SSIM), with its gradient
/// with respect to the rendered image. Buffers are reused across calls of the same image size.
public struct PhotometricLoss: Sendable {
    public struct Value: Sendable, Equatable {
        public var total: Double
        public var l1: Double
        public var ssim: Double
        public var mse: Double
    }

    public var lambdaDSSIM: Double
    public var threads: Int
    private var workspace: SSIMWorkspace?

    public init(lambdaDSSIM: Double, threads: Int = 0) {
        self.lambdaDSSIM = lambdaDSSIM
        self.threads = threads
    }

    /// Loss of `rendered` against `target` (planar 3·H·W); dLoss/d(rendered) goes into `gradient`.
    public mutating func evaluate(rendered: [Float], target: [Float], width: Int, height: Int,
                                  gradient: inout [Float]) -> Value {
        let n = 3 * width * height
        precondition(rendered.count == n && target.count == n, "photometric loss: image size mismatch")
        if workspace?.width != width || workspace?.height != height {
            workspace = SSIMWorkspace(channels: 3, width: width, height: height)
        }
        workspace!.threads = threads
        // dSSIM/d(rendered) first, then turned into dLoss/d(rendered) in place.
        let ssim = workspace!.valueAndGradient(rendered, target, gradient: &gradient)
        let l1Weight = Float((1 - lambdaDSSIM) / Double(n)), ssimWeight = Float(lambdaDSSIM)
        var absSum = 0.0, squareSum = 0.0
        rendered.withUnsafeBufferPointer { r in
            target.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    for i in 0..<n {
                        let d = r[i] - t[i]
                        absSum += Double(abs(d))
                        squareSum += Double(d * d)
                        let sign: Float = d > 0 ? 1 : (d < 0 ? -1 : 0)
                        g[i] = l1Weight * sign - ssimWeight * g[i]
                    }
                }
            }
        }
        let l1 = absSum / Double(n)
        return Value(total: (1 - lambdaDSSIM) * l1 + lambdaDSSIM * (1 - ssim), l1: l1, ssim: ssim,
                     mse: squareSum / Double(n))
    }
}
