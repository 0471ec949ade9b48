/// The rotation part of a Gaussian's 3D covariance Σ = R·diag(s)²·Rᵀ (3DGS `computeCov3D`):
/// the matrix of a unit quaternion (w, x, y, z) and its backward pass.
public enum Covariance3D {
    /// Rotation matrix (row-major, 9 values) of a unit quaternion.
    @inlinable
    public static func rotation<T: BinaryFloatingPoint>(_ w: T, _ x: T, _ y: T, _ z: T,
                                                        into r: UnsafeMutablePointer<T>) {
        let one: T = 1, two: T = 2
        let xx: T = x * x, yy: T = y * y, zz: T = z * z
        let xy: T = x * y, xz: T = x * z, yz: T = y * z
        let wx: T = w * x, wy: T = w * y, wz: T = w * z
        r[0] = one - two * (yy + zz); r[1] = two * (xy - wz); r[2] = two * (xz + wy)
        r[3] = two * (xy + wz); r[4] = one - two * (xx + zz); r[5] = two * (yz - wx)
        r[6] = two * (xz - wy); r[7] = two * (yz + wx); r[8] = one - two * (xx + yy)
    }

    /// dL/d(w, x, y, z) of a unit quaternion from dL/dR (row-major 3×3, `g`).
    @inlinable
    public static func rotationBackward<T: BinaryFloatingPoint>(_ w: T, _ x: T, _ y: T, _ z: T,
                                                                _ g: UnsafePointer<T>) -> (T, T, T, T) {
        let two: T = 2
        var dw: T = y * g[2] - z * g[1]
        dw += z * g[3] - x * g[5]
        dw += x * g[7] - y * g[6]
        var dx: T = y * g[1] + z * g[2]
        dx += y * g[3] - w * g[5]
        dx += z * g[6] + w * g[7]
        dx -= two * x * (g[4] + g[8])
        var dy: T = x * g[1] + w * g[2]
        dy += x * g[3] + z * g[5]
        dy += z * g[7] - w * g[6]
        dy -= two * y * (g[0] + g[8])
        var dz: T = x * g[2] - w * g[1]
        dz += w * g[3] + y * g[5]
        dz += x * g[6] + y * g[7]
        dz -= two * z * (g[0] + g[4])
        dw *= two; dx *= two; dy *= two; dz *= two
        return (dw, dx, dy, dz)
    }
}
