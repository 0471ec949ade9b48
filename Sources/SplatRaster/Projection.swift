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

/// Screen-space gradients of one Gaussian, as the rasterizer backward produces them.
struct ScreenGradient {
    var px: Float = 0, py: Float = 0
    /// True partials of the conic entries a, b (off-diagonal, counted once), c.
    var a: Float = 0, b: Float = 0, c: Float = 0
    var opacity: Float = 0, depth: Float = 0
    var r: Float = 0, g: Float = 0, bl: Float = 0
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

    /// Everything between the view-space mean and the 2D covariance, kept for the backward.
    struct Cov2D {
        var a: Float, b: Float, c: Float            // 2D covariance incl. low-pass
        var t0x: Float, t0y: Float, t0z: Float      // rows of T = J·W
        var t1x: Float, t1y: Float, t1z: Float
        var s00: Float, s01: Float, s02: Float, s11: Float, s12: Float, s22: Float  // 3D covariance
        var txc: Float, tyc: Float                  // clamped tx, ty
        var clampX: Bool, clampY: Bool
    }

    @inline(__always)
    static func covariance2D(_ i: Int, _ tx: Float, _ ty: Float, _ tz: Float, _ v: ViewConstants,
                             _ logScales: UnsafePointer<Float>, _ rotations: UnsafePointer<Float>) -> Cov2D {
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
        let clampX = rx < -v.limX || rx > v.limX, clampY = ry < -v.limY || ry > v.limY
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
        return Cov2D(a: t0x * u0 + t0y * u1 + t0z * u2 + lowPass,
                     b: t0x * w0 + t0y * w1 + t0z * w2,
                     c: t1x * w0 + t1y * w1 + t1z * w2 + lowPass,
                     t0x: t0x, t0y: t0y, t0z: t0z, t1x: t1x, t1y: t1y, t1z: t1z,
                     s00: s00, s01: s01, s02: s02, s11: s11, s12: s12, s22: s22,
                     txc: txc, tyc: tyc, clampX: clampX, clampY: clampY)
    }

    @inline(__always)
    static func unitQuaternion(_ q: UnsafePointer<Float>) -> (w: Float, x: Float, y: Float, z: Float, norm: Float) {
        let n = max((q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).squareRoot(), 1e-12)
        let inv = 1 / n
        return (q[0] * inv, q[1] * inv, q[2] * inv, q[3] * inv, n)
    }

    /// Back-propagates the screen-space gradient `g` of visible Gaussian `i` to its parameters,
    /// writing means, logScales, rotations, opacity logit and SH (48) gradients into row `r` of `o`.
    /// Returns the screen-space mean-gradient norm in NDC units.
    @inline(__always)
    static func backward(_ i: Int, _ g: ScreenGradient, _ p: ParamPointers, view v: ViewConstants,
                         shDegree: Int, state s: ProjectionState, out o: GradPointers, row r: Int) -> Float {
        let mx = p.means[3 * i], my = p.means[3 * i + 1], mz = p.means[3 * i + 2]
        let tx = v.r00 * mx + v.r01 * my + v.r02 * mz + v.t0
        let ty = v.r10 * mx + v.r11 * my + v.r12 * mz + v.t1
        let tz = v.r20 * mx + v.r21 * my + v.r22 * mz + v.t2
        let cv = covariance2D(i, tx, ty, tz, v, p.logScales, p.rotations)
        var gmx: Float = 0, gmy: Float = 0, gmz: Float = 0

        // Colour: SH coefficients and the viewing direction.
        let nb = SphericalHarmonics.coefficientCount(degree: shDegree)
        let gr = s.clamped.pointer[3 * i] != 0 ? 0 : g.r
        let gg = s.clamped.pointer[3 * i + 1] != 0 ? 0 : g.g
        let gb = s.clamped.pointer[3 * i + 2] != 0 ? 0 : g.bl
        var dirX = mx - v.camX, dirY = my - v.camY, dirZ = mz - v.camZ
        let len = max((dirX * dirX + dirY * dirY + dirZ * dirZ).squareRoot(), 1e-12)
        let invLen = 1 / len
        dirX *= invLen; dirY *= invLen; dirZ *= invLen
        var basis = SIMD16<Float>(), gBasis = SIMD16<Float>()
        withUnsafeMutablePointer(to: &basis) {
            $0.withMemoryRebound(to: Float.self, capacity: 16) { bp in
                SphericalHarmonics.basis(dirX, dirY, dirZ, degree: shDegree, into: bp)
                let shi = p.sh + 48 * i, gsh = o.sh + 48 * r
                for k in 0..<16 {
                    if k < nb {
                        gsh[3 * k] = bp[k] * gr; gsh[3 * k + 1] = bp[k] * gg; gsh[3 * k + 2] = bp[k] * gb
                        gBasis[k] = shi[3 * k] * gr + shi[3 * k + 1] * gg + shi[3 * k + 2] * gb
                    } else {
                        gsh[3 * k] = 0; gsh[3 * k + 1] = 0; gsh[3 * k + 2] = 0
                    }
                }
            }
        }
        if shDegree > 0 {
            let d = withUnsafePointer(to: &gBasis) {
                $0.withMemoryRebound(to: Float.self, capacity: 16) {
                    SphericalHarmonics.basisBackward(dirX, dirY, dirZ, degree: shDegree, gradient: $0)
                }
            }
            // Through the normalisation d/|d|.
            let dot = d.0 * dirX + d.1 * dirY + d.2 * dirZ
            gmx += (d.0 - dirX * dot) * invLen; gmy += (d.1 - dirY * dot) * invLen; gmz += (d.2 - dirZ * dot) * invLen
        }

        // Conic → 2D covariance (true partials of the inverse).
        let a = cv.a, b = cv.b, c = cv.c
        let det = a * c - b * b
        let id2 = 1 / (det * det)
        let ga = (-c * c * g.a + b * c * g.b - b * b * g.c) * id2
        let gbv = (2 * b * c * g.a - (det + 2 * b * b) * g.b + 2 * a * b * g.c) * id2
        let gc = (-b * b * g.a + a * b * g.b - a * a * g.c) * id2

        // 2D covariance = T·Σ·Tᵀ: gradients of Σ (symmetric) and T.
        let (t0x, t0y, t0z, t1x, t1y, t1z) = (cv.t0x, cv.t0y, cv.t0z, cv.t1x, cv.t1y, cv.t1z)
        let hb = 0.5 * gbv
        let g00 = ga * t0x * t0x + 2 * hb * t0x * t1x + gc * t1x * t1x
        let g11 = ga * t0y * t0y + 2 * hb * t0y * t1y + gc * t1y * t1y
        let g22 = ga * t0z * t0z + 2 * hb * t0z * t1z + gc * t1z * t1z
        let g01 = ga * t0x * t0y + hb * (t0x * t1y + t1x * t0y) + gc * t1x * t1y
        let g02 = ga * t0x * t0z + hb * (t0x * t1z + t1x * t0z) + gc * t1x * t1z
        let g12 = ga * t0y * t0z + hb * (t0y * t1z + t1y * t0z) + gc * t1y * t1z
        let (s00, s01, s02, s11, s12, s22) = (cv.s00, cv.s01, cv.s02, cv.s11, cv.s12, cv.s22)
        // dT0 = 2·ga·Σ·T0 + gb·Σ·T1, dT1 = 2·gc·Σ·T1 + gb·Σ·T0
        let st0x = s00 * t0x + s01 * t0y + s02 * t0z, st0y = s01 * t0x + s11 * t0y + s12 * t0z
        let st0z = s02 * t0x + s12 * t0y + s22 * t0z
        let st1x = s00 * t1x + s01 * t1y + s02 * t1z, st1y = s01 * t1x + s11 * t1y + s12 * t1z
        let st1z = s02 * t1x + s12 * t1y + s22 * t1z
        let dT0x = 2 * ga * st0x + gbv * st1x, dT0y = 2 * ga * st0y + gbv * st1y, dT0z = 2 * ga * st0z + gbv * st1z
        let dT1x = 2 * gc * st1x + gbv * st0x, dT1y = 2 * gc * st1y + gbv * st0y, dT1z = 2 * gc * st1z + gbv * st0z
        // T = J·W: J00 multiplies W row 0, J02 and J12 row 2, J11 row 1.
        let dJ00 = dT0x * v.r00 + dT0y * v.r01 + dT0z * v.r02
        let dJ02 = dT0x * v.r20 + dT0y * v.r21 + dT0z * v.r22
        let dJ11 = dT1x * v.r10 + dT1y * v.r11 + dT1z * v.r12
        let dJ12 = dT1x * v.r20 + dT1y * v.r21 + dT1z * v.r22
        // J entries → view-space mean (true derivative of the clamped tx, ty).
        let invZ = 1 / tz, invZ2 = invZ * invZ, invZ3 = invZ2 * invZ
        var gtx = g.px * v.fx * invZ, gty = g.py * v.fy * invZ
        var gtz = -(g.px * v.fx * tx + g.py * v.fy * ty) * invZ2 + g.depth
        gtz += -dJ00 * v.fx * invZ2 - dJ11 * v.fy * invZ2
        if cv.clampX { gtz += dJ02 * v.fx * cv.txc * invZ3 } else {
            gtx += -dJ02 * v.fx * invZ2; gtz += dJ02 * 2 * v.fx * tx * invZ3
        }
        if cv.clampY { gtz += dJ12 * v.fy * cv.tyc * invZ3 } else {
            gty += -dJ12 * v.fy * invZ2; gtz += dJ12 * 2 * v.fy * ty * invZ3
        }
        gmx += v.r00 * gtx + v.r10 * gty + v.r20 * gtz
        gmy += v.r01 * gtx + v.r11 * gty + v.r21 * gtz
        gmz += v.r02 * gtx + v.r12 * gty + v.r22 * gtz
        o.means[3 * r] = gmx; o.means[3 * r + 1] = gmy; o.means[3 * r + 2] = gmz

        // Σ = M·Mᵀ, M = R·diag(s): dM = 2·GΣ·M.
        let sc0 = Foundation.exp(p.logScales[3 * i]), sc1 = Foundation.exp(p.logScales[3 * i + 1])
        let sc2 = Foundation.exp(p.logScales[3 * i + 2])
        let q = unitQuaternion(p.rotations + 4 * i)
        var rot = SIMD16<Float>()
        let grad = withUnsafeMutablePointer(to: &rot) {
            $0.withMemoryRebound(to: Float.self, capacity: 16) { r in
                Covariance3D.rotation(q.w, q.x, q.y, q.z, into: r)
                let m00 = r[0] * sc0, m01 = r[1] * sc1, m02 = r[2] * sc2
                let m10 = r[3] * sc0, m11 = r[4] * sc1, m12 = r[5] * sc2
                let m20 = r[6] * sc0, m21 = r[7] * sc1, m22 = r[8] * sc2
                let dm00 = 2 * (g00 * m00 + g01 * m10 + g02 * m20), dm01 = 2 * (g00 * m01 + g01 * m11 + g02 * m21)
                let dm02 = 2 * (g00 * m02 + g01 * m12 + g02 * m22)
                let dm10 = 2 * (g01 * m00 + g11 * m10 + g12 * m20), dm11 = 2 * (g01 * m01 + g11 * m11 + g12 * m21)
                let dm12 = 2 * (g01 * m02 + g11 * m12 + g12 * m22)
                let dm20 = 2 * (g02 * m00 + g12 * m10 + g22 * m20), dm21 = 2 * (g02 * m01 + g12 * m11 + g22 * m21)
                let dm22 = 2 * (g02 * m02 + g12 * m12 + g22 * m22)
                let ds0 = dm00 * r[0] + dm10 * r[3] + dm20 * r[6]
                let ds1 = dm01 * r[1] + dm11 * r[4] + dm21 * r[7]
                let ds2 = dm02 * r[2] + dm12 * r[5] + dm22 * r[8]
                // dR = dM·diag(s), reusing r's storage for dR.
                r[0] = dm00 * sc0; r[1] = dm01 * sc1; r[2] = dm02 * sc2
                r[3] = dm10 * sc0; r[4] = dm11 * sc1; r[5] = dm12 * sc2
                r[6] = dm20 * sc0; r[7] = dm21 * sc1; r[8] = dm22 * sc2
                let dq = Covariance3D.rotationBackward(q.w, q.x, q.y, q.z, UnsafePointer(r))
                return (ds0 * sc0, ds1 * sc1, ds2 * sc2, dq)
            }
        }
        o.logScales[3 * r] = grad.0; o.logScales[3 * r + 1] = grad.1; o.logScales[3 * r + 2] = grad.2
        // Through the quaternion normalisation.
        let dq = grad.3
        let qdot = dq.0 * q.w + dq.1 * q.x + dq.2 * q.y + dq.3 * q.z
        let invN = 1 / q.norm
        o.rotations[4 * r] = (dq.0 - q.w * qdot) * invN; o.rotations[4 * r + 1] = (dq.1 - q.x * qdot) * invN
        o.rotations[4 * r + 2] = (dq.2 - q.y * qdot) * invN; o.rotations[4 * r + 3] = (dq.3 - q.z * qdot) * invN

        let op = s.records.pointer[i * s.recordStride + Packed.opacity]
        o.opacityLogits[r] = g.opacity * op * (1 - op)
        let nx = g.px * Float(v.width) * 0.5, ny = g.py * Float(v.height) * 0.5
        return (nx * nx + ny * ny).squareRoot()
    }
}
