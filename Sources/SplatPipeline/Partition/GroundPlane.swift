import SplatMath

/// The ground plane a scene is partitioned on: `up` is the mean of the cameras' up directions
/// (COLMAP cameras look along +z with +y down, so a camera's up is −Rᵀ·ŷ), which holds for photos
/// taken upright (handheld, vehicle, drone); when the cameras disagree (|mean| < 0.5, e.g. a
/// capture rolled all around) it is the points' axis of least variance instead. `axisU` is the
/// points' principal axis within the plane and `axisV = up × axisU`, so a block grid's rows run
/// along the scene's longest extent.
public struct GroundPlane: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable {
        case cameraUp = "mean camera up"
        case pointsLeastVariance = "points' least-variance axis"
    }

    public var up: [Double]
    public var axisU: [Double]
    public var axisV: [Double]
    public var method: Method

    /// The plane of `points` (x, y, z triples) seen by `cameras`.
    public static func fit(points: [Float], cameras: [PinholeCamera]) throws -> GroundPlane {
        guard points.count >= 9 else { throw SplatError("the scene has \(points.count / 3) points; partitioning needs at least 3") }
        let covariance = Self.covariance(points)
        let cameraUp = cameras.reduce(Vec3.zero) { $0 + -($1.rotation.transposed * Vec3(0, 1, 0)) }
        let (up, method): (Vec3, Method) = cameraUp.length >= 0.5 * Double(cameras.count)
            ? (cameraUp.normalized, .cameraUp)
            : (SymmetricEigen.vectors(covariance).last!, .pointsLeastVariance)
        // Principal axis of the points projected onto the plane: the top eigenvector of P·C·P, P = I − up·upᵀ.
        let project = { (v: Vec3) in v - up * up.dot(v) }
        let projected = Mat3(rows: project(covariance * project(Vec3(1, 0, 0))),
                             project(covariance * project(Vec3(0, 1, 0))),
                             project(covariance * project(Vec3(0, 0, 1))))
        let u = project(SymmetricEigen.vectors(projected).first!).normalized
        guard u.isFinite else { throw SplatError("the scene's points do not span a ground plane") }
        let v = up.cross(u)
        return GroundPlane(up: [up.x, up.y, up.z], axisU: [u.x, u.y, u.z], axisV: [v.x, v.y, v.z], method: method)
    }

    /// Ground coordinates (along `axisU`, along `axisV`) of a world point.
    public func coordinates(_ x: Double, _ y: Double, _ z: Double) -> (u: Double, v: Double) {
        (axisU[0] * x + axisU[1] * y + axisU[2] * z, axisV[0] * x + axisV[1] * y + axisV[2] * z)
    }

    /// Ground coordinates of every point of a flat x, y, z array.
    public func coordinates(of points: [Float]) -> [(u: Double, v: Double)] {
        stride(from: 0, to: points.count - 2, by: 3).map {
            coordinates(Double(points[$0]), Double(points[$0 + 1]), Double(points[$0 + 2]))
        }
    }

    static func covariance(_ points: [Float]) -> Mat3 {
        let n = Double(points.count / 3)
        var mean = Vec3.zero
        for i in stride(from: 0, to: points.count - 2, by: 3) { mean += Vec3(Double(points[i]), Double(points[i + 1]), Double(points[i + 2])) }
        mean = mean / n
        var c = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in stride(from: 0, to: points.count - 2, by: 3) {
            let d = Vec3(Double(points[i]), Double(points[i + 1]), Double(points[i + 2])) - mean
            for r in 0..<3 { for k in 0..<3 { c[r][k] += d[r] * d[k] / n } }
        }
        return Mat3(rows: Vec3(c[0][0], c[0][1], c[0][2]), Vec3(c[1][0], c[1][1], c[1][2]), Vec3(c[2][0], c[2][1], c[2][2]))
    }
}

/// Eigenvectors of a symmetric 3×3 matrix by Jacobi rotations.
enum SymmetricEigen {
    /// Unit eigenvectors, by descending eigenvalue.
    static func vectors(_ m: Mat3) -> [Vec3] {
        var a = (0..<3).map { r in (0..<3).map { c in m[r, c] } }
        var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        for _ in 0..<50 {
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where abs(a[p][q]) > 1e-15 {
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<3 {
                    let akp = a[k][p], akq = a[k][q]
                    a[k][p] = c * akp - s * akq; a[k][q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[p][k], aqk = a[q][k]
                    a[p][k] = c * apk - s * aqk; a[q][k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[k][p], vkq = v[k][q]
                    v[k][p] = c * vkp - s * vkq; v[k][q] = s * vkp + c * vkq
                }
            }
        }
        return (0..<3).sorted { a[$0][$0] > a[$1][$1] }.map { Vec3(v[0][$0], v[1][$0], v[2][$0]) }
    }
}
