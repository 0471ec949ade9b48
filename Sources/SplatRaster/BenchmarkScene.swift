import Foundation
import SplatMath

/// A seeded random scene for benchmarking the rasterizer: N Gaussians spread through the view
/// frustum of a 60°-wide camera at depths 2–10, with on-screen sizes log-uniform in 0.5–6 px,
/// random rotations, opacities uniform in 0.05–0.99, SH degree 3 and `featureCount` features.
public enum BenchmarkScene {
    public static func camera(width: Int, height: Int) -> PinholeCamera {
        let f = Double(width) / (2 * tan(Double.pi / 6))
        return PinholeCamera(width: width, height: height, fx: f, fy: f,
                             cx: Double(width) / 2, cy: Double(height) / 2)
    }

    public static func gaussians(count n: Int, camera c: PinholeCamera, featureCount: Int, seed: UInt64) -> GaussianParams {
        var rng = SplatRandom(seed: seed)
        var g = GaussianParams(count: n, shDegree: 3, featureCount: featureCount)
        let toWorld = c.rotation.transposed
        for i in 0..<n {
            let z = 2 + 8 * rng.uniform()
            let u = rng.uniform() * Double(c.width), v = rng.uniform() * Double(c.height)
            let pw = toWorld * (Vec3((u - c.cx) / c.fx * z, (v - c.cy) / c.fy * z, z) - c.translation)
            g.means[3 * i] = Float(pw.x); g.means[3 * i + 1] = Float(pw.y); g.means[3 * i + 2] = Float(pw.z)
            for k in 0..<3 {
                let pixels = 0.5 * pow(12.0, rng.uniform())
                g.logScales[3 * i + k] = Float(log(pixels * z / c.fx))
            }
            for k in 0..<4 { g.rotations[4 * i + k] = Float(rng.normal()) }
            let o = 0.05 + 0.94 * rng.uniform()
            g.opacityLogits[i] = Float(log(o / (1 - o)))
            for k in 0..<48 { g.sh[48 * i + k] = Float(rng.normal() * (k < 3 ? 1 : 0.1)) }
            for k in 0..<featureCount { g.features[featureCount * i + k] = Float(rng.normal()) }
        }
        return g
    }
}
