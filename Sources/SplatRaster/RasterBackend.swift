import Dispatch
import SplatMath

/// How one view is rendered.
public struct RenderOptions: Sendable, Equatable {
    /// Colour background, composited as T·bg (features always have a zero background, METHOD.md §1.2).
    public var background: SIMD3<Float> = .zero
    /// SH bands evaluated (0...3), ≤ the model's `shDegree`.
    public var activeSHDegree: Int = 3
    /// Blend the model's identity-feature channels.
    public var renderFeatures: Bool = false
    /// Unified-Lift blocks feature gradients from α, means and covariances (METHOD.md §1.2).
    /// Set true for the variant where feature losses also shape geometry.
    public var featureGradientsReachGeometry: Bool = false
    /// Contributions with α below this are skipped (1/255 in 3DGS; −∞ for finite-difference tests).
    public var alphaThreshold: Float = 1.0 / 255.0
    /// Worker threads: 0 = all cores, 1 = the calling thread only.
    public var threads: Int = 0

    public init() {}
}

/// Everything one render produces, planar (channel-major) images of the camera's size.
public struct RenderOutput: Sendable {
    public var width: Int
    public var height: Int
    /// 3·H·W, colour plane c at `c*H*W`.
    public var color: [Float]
    /// featureCount·H·W when features were rendered, else empty.
    public var features: [Float]
    /// H·W expected depth Σ wᵢ zᵢ (not divided by alpha).
    public var depth: [Float]
    /// H·W accumulated alpha, 1 − T_final.
    public var alpha: [Float]
    /// H·W number of Gaussians blended into each pixel.
    public var contributors: [Int32]
    /// N screen-space radii in pixels; 0 for Gaussians culled in this view.
    public var radii: [Float]

    public init(width: Int, height: Int, color: [Float], features: [Float], depth: [Float],
                alpha: [Float], contributors: [Int32], radii: [Float]) {
        self.width = width; self.height = height
        self.color = color; self.features = features; self.depth = depth
        self.alpha = alpha; self.contributors = contributors; self.radii = radii
    }
}

/// dLoss/d(output) for the outputs a loss used; nil ones are treated as zero and not computed.
public struct RenderUpstream: Sendable {
    public var color: [Float]?
    public var features: [Float]?
    public var depth: [Float]?
    public var alpha: [Float]?

    public init(color: [Float]? = nil, features: [Float]? = nil, depth: [Float]? = nil, alpha: [Float]? = nil) {
        self.color = color; self.features = features; self.depth = depth; self.alpha = alpha
    }
}

/// Gradients with the layout of `GaussianParams`, plus what densification needs: of all
/// Gaussians, or of a range of rows (row 0 is the range's first Gaussian).
public struct GaussianGradients: Sendable {
    public var means: [Float]
    public var logScales: [Float]
    public var rotations: [Float]
    public var opacityLogits: [Float]
    public var sh: [Float]
    public var features: [Float]
    /// N norms of dL/d(projected mean) in NDC units (pixel gradient · (W/2, H/2)), as 3DGS
    /// accumulates for its densification threshold; 0 for culled Gaussians.
    public var screenMeanGradNorm: [Float]

    /// Calls `body` with the arrays' base addresses and that of `screenMeanGradNorm` (for a block
    /// of at least one row).
    mutating func withArrays<R>(_ body: (GaussianArrays, UnsafeMutablePointer<Float>) -> R) -> R {
        // Without features, `features` gets a stand-in address (never read).
        means.withUnsafeMutableBufferPointer { m in
            logScales.withUnsafeMutableBufferPointer { s in
                rotations.withUnsafeMutableBufferPointer { r in
                    opacityLogits.withUnsafeMutableBufferPointer { o in
                        sh.withUnsafeMutableBufferPointer { sh in
                            features.withUnsafeMutableBufferPointer { f in
                                screenMeanGradNorm.withUnsafeMutableBufferPointer { n in
                                    body(GaussianArrays(means: m.baseAddress!, logScales: s.baseAddress!,
                                                        rotations: r.baseAddress!, opacityLogits: o.baseAddress!,
                                                        sh: sh.baseAddress!, features: f.baseAddress ?? o.baseAddress!),
                                         n.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public init(count: Int, featureCount: Int) {
        means = [Float](repeating: 0, count: 3 * count)
        logScales = [Float](repeating: 0, count: 3 * count)
        rotations = [Float](repeating: 0, count: 4 * count)
        opacityLogits = [Float](repeating: 0, count: count)
        sh = [Float](repeating: 0, count: GaussianParams.shStride * count)
        features = [Float](repeating: 0, count: featureCount * count)
        screenMeanGradNorm = [Float](repeating: 0, count: count)
    }
}

/// A differentiable Gaussian rasterizer. The CPU backend is the default; a GPU backend can be
/// added behind this protocol without touching training code.
public protocol RasterBackend: AnyObject {
    /// Renders one view and keeps what `backward` needs.
    func render(_ gaussians: GaussianParams, camera: PinholeCamera, options: RenderOptions) -> RenderOutput
    /// Back-propagates `upstream` through the most recent `render` (of the same `gaussians`) as far
    /// as it is shared between Gaussians; `gradients(_:rows:into:)` then finishes any rows.
    func backward(_ gaussians: GaussianParams, upstream: RenderUpstream)
    /// The parameter gradients of Gaussians `rows` after `backward`, overwriting `gradients`
    /// (resized to `rows.count`).
    func gradients(_ gaussians: GaussianParams, rows: Range<Int>, into gradients: inout GaussianGradients)
    /// Hands the gradients of all Gaussians after `backward` to `update`, `blockRows` rows at a
    /// time, so that the gradients of all Gaussians never exist at once: `update(block, params)`
    /// runs once per block, in parallel and in any order, and may change rows `block.rows` of
    /// `params` (the arrays of `gaussians`) and only those (a Gaussian's gradient depends on its
    /// own parameters only), e.g. with an optimiser step.
    func updateWithGradients(_ gaussians: inout GaussianParams, blockRows: Int,
                             _ update: @Sendable (GradientBlock, GaussianArrays) -> Void)
}

/// The gradients of a block of Gaussians, valid during one `update` call of `updateWithGradients`.
public struct GradientBlock: @unchecked Sendable {
    /// The Gaussians; row r of the arrays below is Gaussian `rows.lowerBound + r`.
    public var rows: Range<Int>
    /// Gradients in the layout of `GaussianParams`.
    public var gradients: GaussianArrays
    /// dL/d(projected mean) norms in NDC units (`GaussianGradients.screenMeanGradNorm`).
    public var screenMeanGradNorm: UnsafeMutablePointer<Float>
    /// Thread time spent computing them (seconds).
    public var seconds: Double
}

extension RasterBackend {
    /// One block at a time on the calling thread, from `gradients(_:rows:into:)`.
    public func updateWithGradients(_ gaussians: inout GaussianParams, blockRows: Int,
                                    _ update: @Sendable (GradientBlock, GaussianArrays) -> Void) {
        var block = GaussianGradients(count: 0, featureCount: 0)
        for start in stride(from: 0, to: gaussians.count, by: blockRows) {
            let rows = start..<min(gaussians.count, start + blockRows)
            let clock = DispatchTime.now().uptimeNanoseconds
            gradients(gaussians, rows: rows, into: &block)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) * 1e-9
            block.withArrays { g, norms in
                gaussians.withArrays { params in
                    update(GradientBlock(rows: rows, gradients: g, screenMeanGradNorm: norms, seconds: seconds), params)
                }
            }
        }
    }

    /// Back-propagates through the most recent `render`: the gradients of every Gaussian.
    public func backward(_ gaussians: GaussianParams, upstream: RenderUpstream, into gradients: inout GaussianGradients) {
        backward(gaussians, upstream: upstream)
        self.gradients(gaussians, rows: 0..<gaussians.count, into: &gradients)
    }
}
