import SplatMath
@testable import SplatRaster

/// Small seeded scenes for the rasterizer tests, and what the tests read from a backward.
enum RasterScenes {
    /// A 70×50 camera (partial tiles on both axes) looking roughly along +z from near the origin.
    static func camera(width: Int = 70, height: Int = 50) -> PinholeCamera {
        let r = Quat(w: 0.98, x: 0.05, y: -0.12, z: 0.03).rotationMatrix
        return PinholeCamera(width: width, height: height, fx: 60, fy: 62, cx: Double(width) / 2 + 1.3,
                             cy: Double(height) / 2 - 0.7, rotation: r, translation: Vec3(0.1, -0.2, 0.3))
    }

    /// n random Gaussians in the camera's frustum at depths 2–6, with SH up to degree 3 and
    /// `featureCount` feature channels. `maxOpacity` keeps α below the 0.99 clamp when asked.
    static func gaussians(_ n: Int, camera c: PinholeCamera, featureCount: Int = 4, seed: UInt64 = 1,
                          minScale: Double = 0.03, maxScale: Double = 0.3, opacitySpread: Double = 2) -> GaussianParams {
        var rng = SplatRandom(seed: seed)
        var g = GaussianParams(count: n, shDegree: 3, featureCount: featureCount)
        let camToWorld = c.rotation.transposed
        for i in 0..<n {
            let z = 2 + 4 * rng.uniform()
            let u = (rng.uniform() * 1.2 - 0.1) * Double(c.width), v = (rng.uniform() * 1.2 - 0.1) * Double(c.height)
            let pc = Vec3((u - c.cx) / c.fx * z, (v - c.cy) / c.fy * z, z)
            let pw = camToWorld * (pc - c.translation)
            g.means[3 * i] = Float(pw.x); g.means[3 * i + 1] = Float(pw.y); g.means[3 * i + 2] = Float(pw.z)
            for k in 0..<3 {
                g.logScales[3 * i + k] = Float(Foundation.log(minScale * Foundation.pow(maxScale / minScale, rng.uniform())))
            }
            for k in 0..<4 { g.rotations[4 * i + k] = Float(rng.normal()) }
            g.opacityLogits[i] = Float(rng.normal() * opacitySpread)
            for k in 0..<48 { g.sh[48 * i + k] = Float(rng.normal() * (k < 3 ? 0.8 : 0.25)) }
            for k in 0..<featureCount { g.features[featureCount * i + k] = Float(rng.normal()) }
        }
        return g
    }

    /// Random upstream gradients for every output of a render of this size.
    static func upstream(width: Int, height: Int, featureCount: Int, seed: UInt64 = 9) -> RenderUpstream {
        var rng = SplatRandom(seed: seed)
        let hw = width * height
        func plane(_ k: Int) -> [Float] { (0..<k * hw).map { _ in Float(rng.normal()) } }
        return RenderUpstream(color: plane(3), features: plane(featureCount), depth: plane(1), alpha: plane(1))
    }

    /// The gradients `backend` gives for `upstream` after its latest render of `g`.
    static func gradients(_ backend: RasterBackend, _ g: GaussianParams, _ upstream: RenderUpstream) -> GaussianGradients {
        var grads = GaussianGradients(count: 0, featureCount: 0)
        backend.backward(g, upstream: upstream, into: &grads)
        return grads
    }

    /// Whether every gradient array of `a` and `b` is bit-identical.
    static func bitIdentical(_ a: GaussianGradients, _ b: GaussianGradients) -> Bool {
        a.means == b.means && a.logScales == b.logScales && a.rotations == b.rotations
            && a.opacityLogits == b.opacityLogits && a.sh == b.sh && a.features == b.features
            && a.screenMeanGradNorm == b.screenMeanGradNorm
    }
}

import Foundation
