import Foundation
import SplatMath

/// The starting Gaussians (METHOD.md §5 "init", §1.1 for the identity feature).
public enum GaussianInitializer {
    /// SH degree-0 constant, 1/(2√π).
    public static let shC0: Double = 0.28209479177387814

    /// One Gaussian per point: colour → SH DC, opacity `initOpacity`, isotropic log-scale
    /// log √(mean squared distance to the `initNeighbours` nearest points, floored), identity
    /// rotation; identity features (U[0,1)−0.5)/C0 when `featureCount > 0`.
    /// `points` is 3·P, `colors` 3·P in [0, 1].
    public static func fromPoints(_ points: [Float], colors: [Float], config: TrainConfig,
                                  featureCount: Int, rng: inout SplatRandom) -> GaussianParams {
        precondition(points.count % 3 == 0 && colors.count == points.count)
        let n = points.count / 3
        var params = GaussianParams(count: n, shDegree: config.maxSHDegree, featureCount: featureCount)
        params.means = points
        let distances = KDTree3(points: points).meanSquaredNeighbourDistances(k: config.initNeighbours,
                                                                               threads: config.threads)
        let floor = Float(config.initMinSquaredDistance)
        let opacity = config.initOpacity
        let logit = Float(log(opacity / (1 - opacity)))
        let c0 = Float(shC0)
        for i in 0..<n {
            let logScale = log(max(distances[i], floor).squareRoot())
            for a in 0..<3 {
                params.logScales[3 * i + a] = logScale
                params.sh[i * GaussianParams.shStride + a] = (colors[3 * i + a] - 0.5) / c0
            }
            params.opacityLogits[i] = logit
        }
        for j in 0..<params.features.count {
            params.features[j] = (rng.uniformFloat() - 0.5) / c0
        }
        return params
    }

    /// Points drawn uniformly in a cube, with 3DGS's colours for random init (SH DC = U[0,1)/255,
    /// i.e. nearly grey). Returns (points 3·P, colours 3·P).
    public static func randomPoints(count: Int, center: Vec3, halfExtent: Double,
                                    rng: inout SplatRandom) -> (points: [Float], colors: [Float]) {
        var points = [Float](repeating: 0, count: 3 * count), colors = points
        for i in 0..<count {
            for a in 0..<3 { points[3 * i + a] = Float(center[a] + (2 * rng.uniform() - 1) * halfExtent) }
            for a in 0..<3 { colors[3 * i + a] = Float(0.5 + shC0 * rng.uniform() / 255) }
        }
        return (points, colors)
    }

    /// `count` points around `center` for the distant background: directions uniform on the
    /// sphere, distances log-uniform in [`innerRadius`, `outerRadius`] (so no single depth is
    /// assumed; the optimiser keeps the shells that agree across views). Returns 3·count.
    public static func distantShell(count: Int, center: Vec3, innerRadius: Double, outerRadius: Double,
                                       rng: inout SplatRandom) -> [Float] {
        var points = [Float](repeating: 0, count: 3 * count)
        let logInner = log(innerRadius), logRange = log(outerRadius) - logInner
        for i in 0..<count {
            var direction = Vec3.zero
            repeat { direction = Vec3(rng.normal(), rng.normal(), rng.normal()) } while direction.length < 1e-9
            let p = center + direction.normalized * exp(logInner + logRange * rng.uniform())
            for a in 0..<3 { points[3 * i + a] = Float(p[a]) }
        }
        return points
    }

    /// The random-init cube for a scene without points: centred on the point the cameras look at
    /// (least-squares intersection of their optical axes; their centroid if the axes are nearly
    /// parallel), with half-size 0.325 × the cameras' mean distance from it — ±1.3 around the
    /// object for NeRF-synthetic's radius-4 rig, which is 3DGS's box.
    public static func randomInitCube(cameras: [PinholeCamera]) -> (center: Vec3, halfExtent: Double) {
        guard !cameras.isEmpty else { return (.zero, 1) }
        var a = Mat3(rows: .zero, .zero, .zero), b = Vec3.zero
        for camera in cameras {
            let d = camera.forward.normalized, c = camera.center
            // (I − d dᵀ) projects onto the plane orthogonal to the axis.
            let m = Mat3(rows: Vec3(1 - d.x * d.x, -d.x * d.y, -d.x * d.z),
                         Vec3(-d.y * d.x, 1 - d.y * d.y, -d.y * d.z),
                         Vec3(-d.z * d.x, -d.z * d.y, 1 - d.z * d.z))
            for r in 0..<3 { for k in 0..<3 { a[r, k] += m[r, k] } }
            b += m * c
        }
        var center = cameraCentroidAndRadius(cameras).center
        let det = a.determinant
        if abs(det) > 1e-6 * Double(cameras.count * cameras.count * cameras.count) {
            // Cramer's rule.
            func replaced(_ column: Int) -> Mat3 {
                var m = a
                for r in 0..<3 { m[r, column] = b[r] }
                return m
            }
            let solution = Vec3(replaced(0).determinant / det, replaced(1).determinant / det, replaced(2).determinant / det)
            if solution.isFinite { center = solution }
        }
        var meanDistance = 0.0
        for camera in cameras { meanDistance += (camera.center - center).length }
        meanDistance /= Double(cameras.count)
        return (center, 0.325 * max(meanDistance, 1e-6))
    }

    /// Colours for points that have none: the mean over the training views in which the point
    /// projects in front of the camera and inside the image, of the nearest pixel; grey when none.
    /// `images[v]` is planar 3·H·W matching `cameras[v]`.
    public static func colorsFromImages(points: [Float], cameras: [PinholeCamera], images: [[Float]]) -> [Float] {
        let n = points.count / 3
        var colors = [Float](repeating: 0.5, count: 3 * n)
        for i in 0..<n {
            let p = Vec3(Double(points[3 * i]), Double(points[3 * i + 1]), Double(points[3 * i + 2]))
            var sum = (0.0, 0.0, 0.0), hits = 0
            for (v, camera) in cameras.enumerated() {
                let (u, w, depth) = camera.project(p)
                guard depth > 1e-6, u.isFinite, w.isFinite else { continue }
                let x = Int(u.rounded(.down)), y = Int(w.rounded(.down))
                guard x >= 0, y >= 0, x < camera.width, y < camera.height else { continue }
                let hw = camera.width * camera.height, idx = y * camera.width + x
                sum.0 += Double(images[v][idx]); sum.1 += Double(images[v][hw + idx]); sum.2 += Double(images[v][2 * hw + idx])
                hits += 1
            }
            if hits > 0 {
                colors[3 * i] = Float(sum.0 / Double(hits))
                colors[3 * i + 1] = Float(sum.1 / Double(hits))
                colors[3 * i + 2] = Float(sum.2 / Double(hits))
            }
        }
        return colors
    }

    /// The 3DGS scene extent (`getNerfppNorm`): 1.1 × the largest distance of a camera centre
    /// from the centres' mean.
    public static func sceneExtent(cameras: [PinholeCamera]) -> Double {
        1.1 * cameraCentroidAndRadius(cameras).radius
    }

    static func cameraCentroidAndRadius(_ cameras: [PinholeCamera]) -> (center: Vec3, radius: Double) {
        guard !cameras.isEmpty else { return (.zero, 1) }
        var center = Vec3.zero
        for c in cameras { center += c.center }
        center = center / Double(cameras.count)
        var radius = 0.0
        for c in cameras { radius = max(radius, (c.center - center).length) }
        return (center, radius)
    }
}
