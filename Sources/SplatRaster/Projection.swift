import Foundation
import SplatMath

/// Screen-space state of N Gaussians in one view, kept between render and backward.
/// Coordinates are 3DGS pixel coordinates (pixel i's centre at i): px = u − 0.5 where
/// u = fx·x/z + cx is the COLMAP-convention coordinate whose pixel centres sit at i + 0.5.
final class ProjectionState: @unchecked Sendable {
    var count = 0
    /// Blended channels per record: RGB plus the rendered feature channels.
    var channels = 3
    /// One contiguous record per visible Gaussian (layout `Packed`, stride `recordStride`), so a
    /// tile gathers one record per entry instead of a dozen scattered arrays.
    let records = ScratchBuffer<Float>(fill: 0)
    /// 3σ radius in pixels, 0 = culled.
    let radius = ScratchBuffer<Float>(fill: 0)
    /// Tile rectangle x0, y0, x1, y1 (exclusive ends).
    let rect = ScratchBuffer<Int32>(fill: 0)
    /// Whether each colour channel was clamped at 0.
    let clamped = ScratchBuffer<UInt8>(fill: 0)

    var recordStride: Int { Packed.channels + channels }

    func ensure(_ n: Int, channels: Int) {
        count = n
        self.channels = channels
        // 8 floats of padding: the tile kernels copy records in SIMD8 blocks.
        records.reserve(n * (Packed.channels + channels) + 8)
        radius.reserve(n)
        rect.reserve(4 * n); clamped.reserve(3 * n)
    }
}

/// Fast Float projection (3DGS `preprocessCUDA` / `computeCov2D` / `computeColorFromSH`).
enum Projection {
    /// Projects Gaussians `range` of `params` into `state`.
    static func forward(_ p: ParamPointers, view v: ViewConstants, shDegree: Int, alphaThreshold: Float,
                        state s: ProjectionState, range: Range<Int>) {
        var basis = SIMD16<Float>()
        let stride = s.recordStride, nf = s.channels - 3
        for i in range {
            s.radius.pointer[i] = 0
            let mx = p.means[3 * i], my = p.means[3 * i + 1], mz = p.means[3 * i + 2]
            let tx = v.r00 * mx + v.r01 * my + v.r02 * mz + v.t0
            let ty = v.r10 * mx + v.r11 * my + v.r12 * mz + v.t1
            let tz = v.r20 * mx + v.r21 * my + v.r22 * mz + v.t2
            if !(tz > nearPlane) { continue }
            let cov = covariance2D(i, tx, ty, tz, v, p.logScales, p.rotations)
            let a = cov.a, b = cov.b, c = cov.c
            let det = a * c - b * b
            if !(det > 0) { continue }
            let invDet = 1 / det
            let mid = 0.5 * (a + c)
            let lambda = mid + max(0.1, mid * mid - det).squareRoot()
            let radius = (3 * lambda.squareRoot()).rounded(.up)
            let invZ = 1 / tz
            let px = v.fx * tx * invZ + v.cx - 0.5, py = v.fy * ty * invZ + v.cy - 0.5
            guard let r = tileRect(px, py, radius, v) else { continue }
            s.radius.pointer[i] = radius
            s.rect.pointer[4 * i] = r.0; s.rect.pointer[4 * i + 1] = r.1
            s.rect.pointer[4 * i + 2] = r.2; s.rect.pointer[4 * i + 3] = r.3
            let rec = s.records.pointer + i * stride
            let opacity = 1 / (1 + Foundation.exp(-p.opacityLogits[i]))
            rec[Packed.px] = px; rec[Packed.py] = py
            rec[Packed.a] = c * invDet; rec[Packed.b] = -b * invDet; rec[Packed.c] = a * invDet
            rec[Packed.opacity] = opacity; rec[Packed.depth] = tz
            // Half extents of the α ≥ threshold ellipse: o·exp(−½dᵀQd) ≥ thr ⇔ dᵀQd ≤ 2·ln(o/thr),
            // |dx| ≤ √(2L·Σxx), |dy| ≤ √(2L·Σyy); with a margin so no contributing pixel is culled.
            if alphaThreshold > 0 {
                let l = Foundation.log(opacity / alphaThreshold)
                rec[Packed.halfX] = l > 0 ? (2 * l * a).squareRoot() * 1.001 + 0.01 : -1
                rec[Packed.halfY] = l > 0 ? (2 * l * c).squareRoot() * 1.001 + 0.01 : -1
                rec[Packed.twoL] = 2 * l
            } else {
                rec[Packed.halfX] = .infinity; rec[Packed.halfY] = .infinity
                rec[Packed.twoL] = .infinity
            }
            let conicA = c * invDet
            rec[Packed.invA] = 1 / conicA
            rec[Packed.cEff] = a * invDet - (b * invDet) * (b * invDet) / conicA
            if nf > 0 {
                let f = p.features + i * nf, out = rec + Packed.channels + 3
                for j in 0..<nf { out[j] = f[j] }
            }
            // View-dependent colour, SH at the unit direction from the camera centre to the mean.
            var dx = mx - v.camX, dy = my - v.camY, dz = mz - v.camZ
            let invLen = 1 / max((dx * dx + dy * dy + dz * dz).squareRoot(), 1e-12)
            dx *= invLen; dy *= invLen; dz *= invLen
            let nb = SphericalHarmonics.coefficientCount(degree: shDegree)
            withUnsafeMutablePointer(to: &basis) {
                $0.withMemoryRebound(to: Float.self, capacity: 16) { bp in
                    SphericalHarmonics.basis(dx, dy, dz, degree: shDegree, into: bp)
                    let shi = p.sh + 48 * i
                    for ch in 0..<3 {
                        var sum: Float = 0.5
                        for k in 0..<nb { sum += bp[k] * shi[3 * k + ch] }
                        s.clamped.pointer[3 * i + ch] = sum < 0 ? 1 : 0
                        rec[Packed.channels + ch] = max(sum, 0)
                    }
                }
            }
        }
    }

    /// The tile rectangle of a Gaussian as 3DGS `getRect`, or nil when it covers no tile.
    @inline(__always)
    static func tileRect(_ px: Float, _ py: Float, _ radius: Float, _ v: ViewConstants)
        -> (Int32, Int32, Int32, Int32)? {
        if !(px.isFinite && py.isFinite) { return nil }
        let tx = Float(v.tilesX), ty = Float(v.tilesY), t = Float(tileSize)
        let x0 = Int32(min(tx, max(0, (px - radius) / t))), y0 = Int32(min(ty, max(0, (py - radius) / t)))
        let x1 = Int32(min(tx, max(0, (px + radius + t - 1) / t)))
        let y1 = Int32(min(ty, max(0, (py + radius + t - 1) / t)))
        if x1 <= x0 || y1 <= y0 { return nil }
        return (x0, y0, x1, y1)
    }

    /// The 2D covariance (with the low-pass) of Gaussian `i` at view-space mean (tx, ty, tz);
    /// `ProjectionBackward` repeats these operations lane by lane.
    @inline(__always)
    static func covariance2D(_ i: Int, _ tx: Float, _ ty: Float, _ tz: Float, _ v: ViewConstants,
                             _ logScales: UnsafePointer<Float>, _ rotations: UnsafePointer<Float>)
        -> (a: Float, b: Float, c: Float) {
        let s0 = Foundation.exp(logScales[3 * i]), s1 = Foundation.exp(logScales[3 * i + 1])
        let s2 = Foundation.exp(logScales[3 * i + 2])
        let q = unitQuaternion(rotations + 4 * i)
        let (w, x, y, z) = (q.w, q.x, q.y, q.z)
        // M = R·diag(s); Σ = M·Mᵀ.
        let m00 = (1 - 2 * (y * y + z * z)) * s0, m01 = 2 * (x * y - w * z) * s1, m02 = 2 * (x * z + w * y) * s2
        let m10 = 2 * (x * y + w * z) * s0, m11 = (1 - 2 * (x * x + z * z)) * s1, m12 = 2 * (y * z - w * x) * s2
        let m20 = 2 * (x * z - w * y) * s0, m21 = 2 * (y * z + w * x) * s1, m22 = (1 - 2 * (x * x + y * y)) * s2
        let s00 = m00 * m00 + m01 * m01 + m02 * m02, s01 = m00 * m10 + m01 * m11 + m02 * m12
        let s02 = m00 * m20 + m01 * m21 + m02 * m22, s11 = m10 * m10 + m11 * m11 + m12 * m12
        let s12 = m10 * m20 + m11 * m21 + m12 * m22, s22 = m20 * m20 + m21 * m21 + m22 * m22
        // EWA Jacobian with tx/tz, ty/tz clamped to 1.3·tan(fov/2).
        let invZ = 1 / tz
        let rx = tx * invZ, ry = ty * invZ
        let txc = min(v.limX, max(-v.limX, rx)) * tz, tyc = min(v.limY, max(-v.limY, ry)) * tz
        let j00 = v.fx * invZ, j02 = -v.fx * txc * invZ * invZ
        let j11 = v.fy * invZ, j12 = -v.fy * tyc * invZ * invZ
        // T = J·W (W = camera rotation rows).
        let t0x = j00 * v.r00 + j02 * v.r20, t0y = j00 * v.r01 + j02 * v.r21, t0z = j00 * v.r02 + j02 * v.r22
        let t1x = j11 * v.r10 + j12 * v.r20, t1y = j11 * v.r11 + j12 * v.r21, t1z = j11 * v.r12 + j12 * v.r22
        // Σ·T0ᵀ and Σ·T1ᵀ
        let u0 = s00 * t0x + s01 * t0y + s02 * t0z, u1 = s01 * t0x + s11 * t0y + s12 * t0z
        let u2 = s02 * t0x + s12 * t0y + s22 * t0z
        let w0 = s00 * t1x + s01 * t1y + s02 * t1z, w1 = s01 * t1x + s11 * t1y + s12 * t1z
        let w2 = s02 * t1x + s12 * t1y + s22 * t1z
        return (t0x * u0 + t0y * u1 + t0z * u2 + lowPass, t0x * w0 + t0y * w1 + t0z * w2,
                t1x * w0 + t1y * w1 + t1z * w2 + lowPass)
    }

    @inline(__always)
    static func unitQuaternion(_ q: UnsafePointer<Float>) -> (w: Float, x: Float, y: Float, z: Float) {
        let n = max((q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).squareRoot(), 1e-12)
        let inv = 1 / n
        return (q[0] * inv, q[1] * inv, q[2] * inv, q[3] * inv)
    }
}
