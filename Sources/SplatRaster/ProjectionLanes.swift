import Foundation

// What the projection's forward and backward share, 8 Gaussians per SIMD8 vector: the gathered
// geometry and the covariances, computed by the same operations in both passes.

/// Means, log-scales and rotations of Gaussians `first ..< first + lanes` (lanes ≤ 8) in SIMD8
/// lanes; lanes past `lanes` repeat the last Gaussian.
struct GeometryLanes {
    var mx = V8(), my = V8(), mz = V8(), ls0 = V8(), ls1 = V8(), ls2 = V8()
    var qw = V8(), qx = V8(), qy = V8(), qz = V8()

    @inline(__always)
    init(_ p: ParamPointers, first: Int, lanes: Int) {
        for l in 0..<8 {
            let i = first + min(l, lanes - 1)
            mx[l] = p.means[3 * i]; my[l] = p.means[3 * i + 1]; mz[l] = p.means[3 * i + 2]
            ls0[l] = p.logScales[3 * i]; ls1[l] = p.logScales[3 * i + 1]; ls2[l] = p.logScales[3 * i + 2]
            qw[l] = p.rotations[4 * i]; qx[l] = p.rotations[4 * i + 1]
            qy[l] = p.rotations[4 * i + 2]; qz[l] = p.rotations[4 * i + 3]
        }
    }

    /// The view-space means W·m + t.
    @inline(__always)
    func viewSpace(_ v: ViewConstants) -> (V8, V8, V8) {
        (v.r00 * mx + v.r01 * my + v.r02 * mz + v.t0, v.r10 * mx + v.r11 * my + v.r12 * mz + v.t1,
         v.r20 * mx + v.r21 * my + v.r22 * mz + v.t2)
    }
}

/// The 3D covariance Σ = M·Mᵀ (M = R·diag(s), R of the unit quaternion, `Covariance3D.rotation`)
/// and the 2D covariance T·Σ·Tᵀ + low-pass (T = J·W, the EWA Jacobian J with x/z and y/z clamped
/// to 1.3·tan(fov/2)) of 8 Gaussians at view-space means (tx, ty, tz), with the intermediates the
/// backward needs (3DGS `computeCov3D`, `computeCov2D`). The forward and the backward both take
/// their covariances from here, so they agree to the bit.
struct Covariance8 {
    var s0: V8, s1: V8, s2: V8                              // scales exp(logScales)
    var w: V8, x: V8, y: V8, z: V8, qInv: V8                // unit quaternion, 1/|q|
    var r0: V8, r1: V8, r2: V8, r3: V8, r4: V8, r5: V8, r6: V8, r7: V8, r8: V8  // R, row-major
    var m00: V8, m01: V8, m02: V8, m10: V8, m11: V8, m12: V8, m20: V8, m21: V8, m22: V8
    var invZ: V8, txc: V8, tyc: V8                          // 1/tz, clamped tx and ty
    var clampX: VM8, clampY: VM8
    var t0x: V8, t0y: V8, t0z: V8, t1x: V8, t1y: V8, t1z: V8  // rows of T
    var u0: V8, u1: V8, u2: V8, w0: V8, w1: V8, w2: V8        // Σ·T0ᵀ, Σ·T1ᵀ
    var a: V8, b: V8, c: V8                                 // 2D covariance

    @inline(__always)
    init(_ g: GeometryLanes, tx: V8, ty: V8, tz: V8, view v: ViewConstants) {
        s0 = V8(); s1 = V8(); s2 = V8()
        for l in 0..<8 {
            s0[l] = Foundation.exp(g.ls0[l]); s1[l] = Foundation.exp(g.ls1[l]); s2[l] = Foundation.exp(g.ls2[l])
        }
        let qNorm = atLeast(sqrt8(g.qw * g.qw + g.qx * g.qx + g.qy * g.qy + g.qz * g.qz), 1e-12)
        qInv = one / qNorm
        w = g.qw * qInv; x = g.qx * qInv; y = g.qy * qInv; z = g.qz * qInv
        let xx = x * x, yy = y * y, zz = z * z, xy = x * y, xz = x * z, yz = y * z
        let wx = w * x, wy = w * y, wz = w * z
        r0 = one - two * (yy + zz); r1 = two * (xy - wz); r2 = two * (xz + wy)
        r3 = two * (xy + wz); r4 = one - two * (xx + zz); r5 = two * (yz - wx)
        r6 = two * (xz - wy); r7 = two * (yz + wx); r8 = one - two * (xx + yy)
        m00 = r0 * s0; m01 = r1 * s1; m02 = r2 * s2
        m10 = r3 * s0; m11 = r4 * s1; m12 = r5 * s2
        m20 = r6 * s0; m21 = r7 * s1; m22 = r8 * s2
        let s00 = m00 * m00 + m01 * m01 + m02 * m02, s01 = m00 * m10 + m01 * m11 + m02 * m12
        let s02 = m00 * m20 + m01 * m21 + m02 * m22, s11 = m10 * m10 + m11 * m11 + m12 * m12
        let s12 = m10 * m20 + m11 * m21 + m12 * m22, s22 = m20 * m20 + m21 * m21 + m22 * m22
        invZ = one / tz
        let rx = tx * invZ, ry = ty * invZ
        clampX = (rx .< -v.limX) .| (rx .> v.limX); clampY = (ry .< -v.limY) .| (ry .> v.limY)
        txc = rx.replacing(with: -v.limX, where: rx .< -v.limX).replacing(with: v.limX, where: rx .> v.limX) * tz
        tyc = ry.replacing(with: -v.limY, where: ry .< -v.limY).replacing(with: v.limY, where: ry .> v.limY) * tz
        let j00 = v.fx * invZ, j02 = -v.fx * txc * invZ * invZ
        let j11 = v.fy * invZ, j12 = -v.fy * tyc * invZ * invZ
        t0x = j00 * v.r00 + j02 * v.r20; t0y = j00 * v.r01 + j02 * v.r21; t0z = j00 * v.r02 + j02 * v.r22
        t1x = j11 * v.r10 + j12 * v.r20; t1y = j11 * v.r11 + j12 * v.r21; t1z = j11 * v.r12 + j12 * v.r22
        u0 = s00 * t0x + s01 * t0y + s02 * t0z; u1 = s01 * t0x + s11 * t0y + s12 * t0z
        u2 = s02 * t0x + s12 * t0y + s22 * t0z
        w0 = s00 * t1x + s01 * t1y + s02 * t1z; w1 = s01 * t1x + s11 * t1y + s12 * t1z
        w2 = s02 * t1x + s12 * t1y + s22 * t1z
        a = t0x * u0 + t0y * u1 + t0z * u2 + lowPass
        b = t0x * w0 + t0y * w1 + t0z * w2
        c = t1x * w0 + t1y * w1 + t1z * w2 + lowPass
    }
}

// Float constants of the SIMD8 projection formulas (ProjectionBackward too): integer literals in
// their long expressions overwhelm the type checker.
let one: Float = 1, two: Float = 2, three: Float = 3, four: Float = 4, six: Float = 6, eight: Float = 8
let half: Float = 0.5

/// max(x, floor) lane-wise.
@inline(__always) func atLeast(_ x: V8, _ floor: Float) -> V8 { x.replacing(with: floor, where: x .< floor) }

/// √x lane-wise.
@inline(__always) func sqrt8(_ x: V8) -> V8 { x.squareRoot() }

