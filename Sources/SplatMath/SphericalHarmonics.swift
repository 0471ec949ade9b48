/// Real spherical-harmonic basis of degree ≤ 3 with the constants and sign conventions of the
/// official 3DGS code (`forward.cu::computeColorFromSH`), evaluated at a unit direction.
/// Colour = Σₖ basisₖ(d)·shₖ + 0.5, clamped at 0 (METHOD.md §5).
public enum SphericalHarmonics {
    public static let c0 = 0.28209479177387814
    public static let c1 = 0.4886025119029199
    public static let c2: [Double] = [1.0925484305920792, -1.0925484305920792, 0.31539156525252005,
                                      -1.0925484305920792, 0.5462742152960396]
    public static let c3: [Double] = [-0.5900435899266435, 2.890611442640554, -0.4570457994644658,
                                      0.3731763325901154, -0.4570457994644658, 1.445305721320277,
                                      -0.5900435899266435]

    /// Number of basis functions used by degree `d`: (d+1)².
    @inlinable public static func coefficientCount(degree d: Int) -> Int { (d + 1) * (d + 1) }

    /// Writes the (degree+1)² basis values at the unit direction (x, y, z) into `out[0...]`.
    @inlinable
    public static func basis<T: BinaryFloatingPoint>(_ x: T, _ y: T, _ z: T, degree: Int,
                                                     into out: UnsafeMutablePointer<T>) {
        out[0] = T(c0)
        if degree < 1 { return }
        let k1 = T(c1)
        out[1] = -k1 * y; out[2] = k1 * z; out[3] = -k1 * x
        if degree < 2 { return }
        let xx: T = x * x, yy: T = y * y, zz: T = z * z
        let xy: T = x * y, yz: T = y * z, xz: T = x * z
        let two: T = 2, three: T = 3, four: T = 4
        out[4] = T(c2[0]) * xy
        out[5] = T(c2[1]) * yz
        let q6: T = two * zz - xx - yy
        out[6] = T(c2[2]) * q6
        out[7] = T(c2[3]) * xz
        out[8] = T(c2[4]) * (xx - yy)
        if degree < 3 { return }
        let q9: T = three * xx - yy
        let q11: T = four * zz - xx - yy
        let q12: T = two * zz - three * xx - three * yy
        let q15: T = xx - three * yy
        out[9] = T(c3[0]) * y * q9
        out[10] = T(c3[1]) * xy * z
        out[11] = T(c3[2]) * y * q11
        out[12] = T(c3[3]) * z * q12
        out[13] = T(c3[4]) * x * q11
        out[14] = T(c3[5]) * z * (xx - yy)
        out[15] = T(c3[6]) * x * q15
    }

    /// Given gᵢ = dL/d basisᵢ for the (degree+1)² basis functions, returns dL/d(x, y, z) at the
    /// unit direction (derivative of the polynomial basis, direction treated as free).
    @inlinable
    public static func basisBackward<T: BinaryFloatingPoint>(_ x: T, _ y: T, _ z: T, degree: Int,
                                                             gradient g: UnsafePointer<T>) -> (T, T, T) {
        if degree < 1 { return (0, 0, 0) }
        let k1 = T(c1)
        var dx: T = -k1 * g[3], dy: T = -k1 * g[1], dz: T = k1 * g[2]
        if degree < 2 { return (dx, dy, dz) }
        let xx: T = x * x, yy: T = y * y, zz: T = z * z
        let xy: T = x * y, yz: T = y * z, xz: T = x * z
        let two: T = 2, three: T = 3, four: T = 4, six: T = 6, eight: T = 8
        let a0: T = T(c2[0]) * g[4], a1: T = T(c2[1]) * g[5], a2: T = T(c2[2]) * g[6]
        let a3: T = T(c2[3]) * g[7], a4: T = T(c2[4]) * g[8]
        dx += a0 * y + a3 * z
        dx += two * (a4 - a2) * x
        dy += a0 * x + a1 * z
        dy -= two * (a2 + a4) * y
        dz += a1 * y + a3 * x
        dz += four * a2 * z
        if degree < 3 { return (dx, dy, dz) }
        let b0: T = T(c3[0]) * g[9], b1: T = T(c3[1]) * g[10], b2: T = T(c3[2]) * g[11]
        let b3: T = T(c3[3]) * g[12], b4: T = T(c3[4]) * g[13], b5: T = T(c3[5]) * g[14]
        let b6: T = T(c3[6]) * g[15]
        let e0: T = four * zz - three * xx - yy        // d/dx of x(4zz − xx − yy)
        let e1: T = four * zz - xx - three * yy        // d/dy of y(4zz − xx − yy)
        let e2: T = six * zz - three * xx - three * yy // d/dz of z(2zz − 3xx − 3yy)
        let e3: T = three * xx - three * yy
        dx += b0 * (six * xy) + b1 * yz
        dx += b2 * (-two * xy) + b3 * (-six * xz)
        dx += b4 * e0 + b5 * (two * xz)
        dx += b6 * e3
        dy += b0 * e3 + b1 * xz
        dy += b2 * e1 + b3 * (-six * yz)
        dy += b4 * (-two * xy) + b5 * (-two * yz)
        dy += b6 * (-six * xy)
        dz += b1 * xy + b2 * (eight * yz)
        dz += b3 * e2 + b4 * (eight * xz)
        dz += b5 * (xx - yy)
        return (dx, dy, dz)
    }
}
