import Foundation
import SplatMath

/// Cameras for looking at a splat model: a robust centre and radius of its Gaussians, and an
/// orbit of views around that centre.
public enum OrbitCameras {
    /// Robust bounds of the means: per-axis median as centre, and the 90th percentile of the
    /// distances to it as radius (splat files have far outliers).
    public static func robustBounds(_ g: GaussianParams) -> (center: Vec3, radius: Double) {
        guard g.count > 0 else { return (.zero, 1) }
        func median(_ axis: Int) -> Double {
            var v = (0..<g.count).map { Double(g.means[3 * $0 + axis]) }
            v.sort()
            return v[v.count / 2]
        }
        let c = Vec3(median(0), median(1), median(2))
        var d = (0..<g.count).map { (mean(g, $0) - c).length }
        d.sort()
        let r = d[min(d.count - 1, Int(0.9 * Double(d.count)))]
        return (c, r > 0 ? r : 1)
    }

    /// The direction of least spread of the means within the robust radius (the smallest
    /// principal axis): the normal of a ground plane, or the axis of a flat object.
    public static func leastSpreadAxis(_ g: GaussianParams, center c: Vec3, radius: Double) -> Vec3 {
        var m = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<g.count {
            let p = mean(g, i) - c
            if p.length > radius { continue }
            for r in 0..<3 { for k in 0..<3 { m[r][k] += p[r] * p[k] } }
        }
        // Power iteration on (trace·I − M) finds M's smallest eigenvector.
        let trace = m[0][0] + m[1][1] + m[2][2] + 1e-12
        let shifted = Mat3(rows: Vec3(trace - m[0][0], -m[0][1], -m[0][2]),
                           Vec3(-m[1][0], trace - m[1][1], -m[1][2]),
                           Vec3(-m[2][0], -m[2][1], trace - m[2][2]))
        var v = Vec3(0.3, 0.5, 0.8)
        for _ in 0..<200 { v = (shifted * v).normalized }
        return v
    }

    /// A camera at `eye` looking at `target`, with `up` pointing up in the image (COLMAP axes:
    /// x right, y down, z forward).
    public static func lookAt(eye: Vec3, target: Vec3, up: Vec3, width: Int, height: Int, fovY: Double) -> PinholeCamera {
        let z = (target - eye).normalized
        var x = z.cross(up)
        if x.length < 1e-9 { x = z.cross(abs(z.x) < 0.9 ? Vec3(1, 0, 0) : Vec3(0, 1, 0)) }
        x = x.normalized
        let y = z.cross(x)
        let r = Mat3(rows: x, y, z)
        let f = Double(height) / (2 * tan(fovY / 2))
        return PinholeCamera(width: width, height: height, fx: f, fy: f, cx: Double(width) / 2, cy: Double(height) / 2,
                             rotation: r, translation: -(r * eye))
    }

    /// `count` views evenly spaced around `up` through `center`, raised by `elevation` radians,
    /// far enough that a sphere of `radius` fits the vertical field of view.
    public static func orbit(center: Vec3, radius: Double, up: Vec3, count: Int, elevation: Double,
                             width: Int, height: Int, fovY: Double) -> [PinholeCamera] {
        let u = up.normalized
        var e1 = u.cross(abs(u.x) < 0.9 ? Vec3(1, 0, 0) : Vec3(0, 1, 0)).normalized
        let e2 = u.cross(e1)
        e1 = e2.cross(u)
        let distance = radius / sin(min(fovY, Double(width) / Double(height) * fovY) / 2) * 1.3
        return (0..<count).map { k in
            let theta = 2 * Double.pi * Double(k) / Double(count)
            let dir = (e1 * cos(theta) + e2 * sin(theta)) * cos(elevation) + u * sin(elevation)
            return lookAt(eye: center + dir * distance, target: center, up: u, width: width, height: height, fovY: fovY)
        }
    }
}

private func mean(_ g: GaussianParams, _ i: Int) -> Vec3 {
    Vec3(Double(g.means[3 * i]), Double(g.means[3 * i + 1]), Double(g.means[3 * i + 2]))
}
