/// The optimised parameters of N Gaussians, structure-of-arrays, in their raw (pre-activation)
/// form exactly as 3DGS stores them.
///
/// Layouts (per Gaussian i):
/// - `means[3i..<3i+3]`: world position.
/// - `logScales[3i..<3i+3]`: log of the three axis scales.
/// - `rotations[4i..<4i+4]`: unnormalised quaternion (w, x, y, z).
/// - `opacityLogits[i]`: opacity = sigmoid(logit).
/// - `sh[i*48 + k*3 + c]`: SH coefficient k (0 = DC, 0..<16) of colour channel c. Always room for
///   degree 3; `shDegree` says how many bands are meaningful (unused ones stay 0).
/// - `features[i*featureCount + j]`: the raw identity feature (METHOD.md §1.1), no activation.
public struct GaussianParams: Sendable, Equatable {
    public static let shCoefficientsPerChannel = 16
    public static let shStride = 48

    public var count: Int
    public var means: [Float]
    public var logScales: [Float]
    public var rotations: [Float]
    public var opacityLogits: [Float]
    public var sh: [Float]
    /// The highest SH degree stored (0...3).
    public var shDegree: Int
    public var featureCount: Int
    public var features: [Float]

    public init(count: Int, shDegree: Int = 3, featureCount: Int = 0) {
        self.count = count
        self.means = [Float](repeating: 0, count: 3 * count)
        self.logScales = [Float](repeating: 0, count: 3 * count)
        self.rotations = [Float](repeating: 0, count: 4 * count)
        for i in 0..<count { rotations[4 * i] = 1 }
        self.opacityLogits = [Float](repeating: 0, count: count)
        self.sh = [Float](repeating: 0, count: Self.shStride * count)
        self.shDegree = shDegree
        self.featureCount = featureCount
        self.features = [Float](repeating: 0, count: featureCount * count)
    }
}
