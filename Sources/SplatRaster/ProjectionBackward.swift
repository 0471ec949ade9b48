import Foundation
import SplatMath

/// The projection's backward (3DGS `preprocessCUDA` backward: `computeColorFromSH`, `computeCov2D`,
/// `computeCov3D`), 8 Gaussians per SIMD8 vector: each lane gathers one Gaussian's parameters and
/// its summed screen-space gradient (a row of the tile pass's sums, layout `Slot`) and writes its
/// parameter gradients. Every lane runs the operations of the scalar formulas in the same order,
/// so a lane's results do not depend on its neighbours. Checked against the Double reference
/// (`ReferenceProjection.backward`) and by finite differences.
struct ProjectionBackward {
    let view: ViewConstants
    let shDegree: Int
    let state: ProjectionState
    /// Per-Gaussian screen-space gradient rows, `slotStride` apart.
    let sums: UnsafePointer<Float>
    let slotStride: Int

    /// Gradients of Gaussians `first ..< first + lanes` (lanes ≤ 8) into rows `row ..< row + lanes`
    /// of `o`; only the lanes whose bit is set in `visible` are written. Writes means, logScales,
    /// rotations, opacity logit and SH (48) gradients and the screen-space mean-gradient norm in
    /// NDC units.
    func run(first: Int, lanes: Int, visible: UInt32, _ p: ParamPointers, _ o: GradPointers, row: Int) {
        let v = view
        // Gather: lanes past `lanes` repeat the last Gaussian (computed, never written).
        let geometry = GeometryLanes(p, first: first, lanes: lanes)
        let (mx, my, mz) = (geometry.mx, geometry.my, geometry.mz)
        var op = V8()
        var gpx = V8(), gpy = V8(), ga0 = V8(), gb0 = V8(), gc0 = V8(), gop = V8(), gdepth = V8()
        var gr = V8(), gg = V8(), gb = V8()
        for l in 0..<8 {
            let i = first + min(l, lanes - 1)
            op[l] = state.records.pointer[i * state.recordStride + Packed.opacity]
            let sum = sums + i * slotStride
            gpx[l] = sum[Slot.px]; gpy[l] = sum[Slot.py]
            ga0[l] = sum[Slot.a]; gb0[l] = sum[Slot.b]; gc0[l] = sum[Slot.c]
            gop[l] = sum[Slot.opacity]; gdepth[l] = sum[Slot.depth]
            let clamped = state.clamped.pointer + 3 * i
            gr[l] = clamped[0] != 0 ? 0 : sum[Slot.color]
            gg[l] = clamped[1] != 0 ? 0 : sum[Slot.color + 1]
            gb[l] = clamped[2] != 0 ? 0 : sum[Slot.color + 2]
        }
        let (tx, ty, tz) = geometry.viewSpace(v)
        var gmx = V8(), gmy = V8(), gmz = V8()

        // Colour: SH coefficients and the viewing direction.
        let nb = SphericalHarmonics.coefficientCount(degree: shDegree)
        var dirX = mx - v.camX, dirY = my - v.camY, dirZ = mz - v.camZ
        let len = atLeast(sqrt8(dirX * dirX + dirY * dirY + dirZ * dirZ), 1e-12)
        let invLen = one / len
        dirX *= invLen; dirY *= invLen; dirZ *= invLen
        withUnsafeTemporaryAllocation(of: V8.self, capacity: 32) { scratch in
            let basis = scratch.baseAddress!, gBasis = basis + 16
            SHBasis8.basis(dirX, dirY, dirZ, degree: shDegree, into: basis)
            for k in 0..<nb {
                var s0 = V8(), s1 = V8(), s2 = V8()
                for l in 0..<8 {
                    let shi = p.sh + 48 * (first + min(l, lanes - 1)) + 3 * k
                    s0[l] = shi[0]; s1[l] = shi[1]; s2[l] = shi[2]
                }
                gBasis[k] = s0 * gr + s1 * gg + s2 * gb
            }
            for l in 0..<lanes where visible & (1 << l) != 0 {
                let gsh = o.sh + 48 * (row + l)
                for k in 0..<16 {
                    if k < nb {
                        let b = basis[k][l]
                        gsh[3 * k] = b * gr[l]; gsh[3 * k + 1] = b * gg[l]; gsh[3 * k + 2] = b * gb[l]
                    } else {
                        gsh[3 * k] = 0; gsh[3 * k + 1] = 0; gsh[3 * k + 2] = 0
                    }
                }
            }
            if shDegree > 0 {
                let d = SHBasis8.basisBackward(dirX, dirY, dirZ, degree: shDegree, gradient: gBasis)
                // Through the normalisation d/|d|.
                let dot = d.0 * dirX + d.1 * dirY + d.2 * dirZ
                gmx += (d.0 - dirX * dot) * invLen; gmy += (d.1 - dirY * dot) * invLen
                gmz += (d.2 - dirZ * dot) * invLen
            }
        }

        // The 3D and 2D covariances, as the forward computed them.
        let cv = Covariance8(geometry, tx: tx, ty: ty, tz: tz, view: v)
        let (a, b, c) = (cv.a, cv.b, cv.c)
        let (t0x, t0y, t0z, t1x, t1y, t1z) = (cv.t0x, cv.t0y, cv.t0z, cv.t1x, cv.t1y, cv.t1z)
        let (u0, u1, u2, w0, w1, w2) = (cv.u0, cv.u1, cv.u2, cv.w0, cv.w1, cv.w2)
        let (w, x, y, z, qInv) = (cv.w, cv.x, cv.y, cv.z, cv.qInv)
        let (sc0, sc1, sc2) = (cv.s0, cv.s1, cv.s2)
        let (r0, r1, r2, r3, r4, r5, r6, r7, r8) = (cv.r0, cv.r1, cv.r2, cv.r3, cv.r4, cv.r5, cv.r6, cv.r7, cv.r8)
        let (m00, m01, m02, m10, m11, m12, m20, m21, m22) = (cv.m00, cv.m01, cv.m02, cv.m10, cv.m11, cv.m12,
                                                             cv.m20, cv.m21, cv.m22)
        let invZ = cv.invZ, txc = cv.txc, tyc = cv.tyc

        // Conic → 2D covariance (true partials of the inverse).
        let det = a * c - b * b
        let id2 = one / (det * det)
        let ga = (-c * c * ga0 + b * c * gb0 - b * b * gc0) * id2
        let gbv = (two * b * c * ga0 - (det + two * b * b) * gb0 + two * a * b * gc0) * id2
        let gc = (-b * b * ga0 + a * b * gb0 - a * a * gc0) * id2

        // 2D covariance = T·Σ·Tᵀ: gradients of Σ (symmetric) and T.
        let hb = half * gbv
        let g00 = ga * t0x * t0x + two * hb * t0x * t1x + gc * t1x * t1x
        let g11 = ga * t0y * t0y + two * hb * t0y * t1y + gc * t1y * t1y
        let g22 = ga * t0z * t0z + two * hb * t0z * t1z + gc * t1z * t1z
        let g01 = ga * t0x * t0y + hb * (t0x * t1y + t1x * t0y) + gc * t1x * t1y
        let g02 = ga * t0x * t0z + hb * (t0x * t1z + t1x * t0z) + gc * t1x * t1z
        let g12 = ga * t0y * t0z + hb * (t0y * t1z + t1y * t0z) + gc * t1y * t1z
        // dT0 = 2·ga·Σ·T0 + gb·Σ·T1, dT1 = 2·gc·Σ·T1 + gb·Σ·T0 (Σ·T0 = u, Σ·T1 = w above).
        let dT0x = two * ga * u0 + gbv * w0, dT0y = two * ga * u1 + gbv * w1, dT0z = two * ga * u2 + gbv * w2
        let dT1x = two * gc * w0 + gbv * u0, dT1y = two * gc * w1 + gbv * u1, dT1z = two * gc * w2 + gbv * u2
        // T = J·W: J00 multiplies W row 0, J02 and J12 row 2, J11 row 1.
        let dJ00 = dT0x * v.r00 + dT0y * v.r01 + dT0z * v.r02
        let dJ02 = dT0x * v.r20 + dT0y * v.r21 + dT0z * v.r22
        let dJ11 = dT1x * v.r10 + dT1y * v.r11 + dT1z * v.r12
        let dJ12 = dT1x * v.r20 + dT1y * v.r21 + dT1z * v.r22
        // J entries → view-space mean (true derivative of the clamped tx, ty).
        let invZ2 = invZ * invZ, invZ3 = invZ2 * invZ
        var gtx = gpx * v.fx * invZ, gty = gpy * v.fy * invZ
        var gtz = -(gpx * v.fx * tx + gpy * v.fy * ty) * invZ2 + gdepth
        gtz += -dJ00 * v.fx * invZ2 - dJ11 * v.fy * invZ2
        gtz = (gtz + dJ02 * two * v.fx * tx * invZ3).replacing(with: gtz + dJ02 * v.fx * txc * invZ3, where: cv.clampX)
        gtx = (gtx + -dJ02 * v.fx * invZ2).replacing(with: gtx, where: cv.clampX)
        gtz = (gtz + dJ12 * two * v.fy * ty * invZ3).replacing(with: gtz + dJ12 * v.fy * tyc * invZ3, where: cv.clampY)
        gty = (gty + -dJ12 * v.fy * invZ2).replacing(with: gty, where: cv.clampY)
        gmx += v.r00 * gtx + v.r10 * gty + v.r20 * gtz
        gmy += v.r01 * gtx + v.r11 * gty + v.r21 * gtz
        gmz += v.r02 * gtx + v.r12 * gty + v.r22 * gtz

        // Σ = M·Mᵀ, M = R·diag(s): dM = 2·GΣ·M, ds = diag(Rᵀ·dM), dR = dM·diag(s).
        let dm00 = two * (g00 * m00 + g01 * m10 + g02 * m20), dm01 = two * (g00 * m01 + g01 * m11 + g02 * m21)
        let dm02 = two * (g00 * m02 + g01 * m12 + g02 * m22)
        let dm10 = two * (g01 * m00 + g11 * m10 + g12 * m20), dm11 = two * (g01 * m01 + g11 * m11 + g12 * m21)
        let dm12 = two * (g01 * m02 + g11 * m12 + g12 * m22)
        let dm20 = two * (g02 * m00 + g12 * m10 + g22 * m20), dm21 = two * (g02 * m01 + g12 * m11 + g22 * m21)
        let dm22 = two * (g02 * m02 + g12 * m12 + g22 * m22)
        let ds0 = dm00 * r0 + dm10 * r3 + dm20 * r6
        let ds1 = dm01 * r1 + dm11 * r4 + dm21 * r7
        let ds2 = dm02 * r2 + dm12 * r5 + dm22 * r8
        let dr0 = dm00 * sc0, dr1 = dm01 * sc1, dr2 = dm02 * sc2
        let dr3 = dm10 * sc0, dr4 = dm11 * sc1, dr5 = dm12 * sc2
        let dr6 = dm20 * sc0, dr7 = dm21 * sc1, dr8 = dm22 * sc2
        // dL/d(w, x, y, z) of the unit quaternion (`Covariance3D.rotationBackward`).
        var dw = y * dr2 - z * dr1
        dw += z * dr3 - x * dr5
        dw += x * dr7 - y * dr6
        var dx = y * dr1 + z * dr2
        dx += y * dr3 - w * dr5
        dx += z * dr6 + w * dr7
        dx -= two * x * (dr4 + dr8)
        var dy = x * dr1 + w * dr2
        dy += x * dr3 + z * dr5
        dy += z * dr7 - w * dr6
        dy -= two * y * (dr0 + dr8)
        var dz = x * dr2 - w * dr1
        dz += w * dr3 + y * dr5
        dz += x * dr6 + y * dr7
        dz -= two * z * (dr0 + dr4)
        dw *= 2; dx *= 2; dy *= 2; dz *= 2
        // Through the quaternion normalisation.
        let qdot = dw * w + dx * x + dy * y + dz * z
        let gqw = (dw - w * qdot) * qInv, gqx = (dx - x * qdot) * qInv
        let gqy = (dy - y * qdot) * qInv, gqz = (dz - z * qdot) * qInv
        let gls0 = ds0 * sc0, gls1 = ds1 * sc1, gls2 = ds2 * sc2
        let gOpacity = gop * op * (one - op)
        let nx = gpx * Float(v.width) * 0.5, ny = gpy * Float(v.height) * 0.5
        let screenNorm = sqrt8(nx * nx + ny * ny)

        for l in 0..<lanes where visible & (1 << l) != 0 {
            let r = row + l
            o.means[3 * r] = gmx[l]; o.means[3 * r + 1] = gmy[l]; o.means[3 * r + 2] = gmz[l]
            o.logScales[3 * r] = gls0[l]; o.logScales[3 * r + 1] = gls1[l]; o.logScales[3 * r + 2] = gls2[l]
            o.rotations[4 * r] = gqw[l]; o.rotations[4 * r + 1] = gqx[l]
            o.rotations[4 * r + 2] = gqy[l]; o.rotations[4 * r + 3] = gqz[l]
            o.opacityLogits[r] = gOpacity[l]
            o.screenMeanGradNorm[r] = screenNorm[l]
        }
    }
}

/// `SphericalHarmonics.basis` and `.basisBackward` on SIMD8 lanes, the same operations in the
/// same order as the generic scalar versions.
private enum SHBasis8 {
    static let c0 = Float(SphericalHarmonics.c0), c1 = Float(SphericalHarmonics.c1)
    static let c2 = SphericalHarmonics.c2.map(Float.init), c3 = SphericalHarmonics.c3.map(Float.init)

    @inline(__always)
    static func basis(_ x: V8, _ y: V8, _ z: V8, degree: Int, into out: UnsafeMutablePointer<V8>) {
        out[0] = V8(repeating: c0)
        if degree < 1 { return }
        let k1 = c1
        out[1] = -k1 * y; out[2] = k1 * z; out[3] = -k1 * x
        if degree < 2 { return }
        let xx = x * x, yy = y * y, zz = z * z
        let xy = x * y, yz = y * z, xz = x * z
        let c2 = Self.c2, c3 = Self.c3
        out[4] = c2[0] * xy
        out[5] = c2[1] * yz
        out[6] = c2[2] * (two * zz - xx - yy)
        out[7] = c2[3] * xz
        out[8] = c2[4] * (xx - yy)
        if degree < 3 { return }
        let q9 = three * xx - yy
        let q11 = four * zz - xx - yy
        let q12 = two * zz - three * xx - three * yy
        let q15 = xx - three * yy
        out[9] = c3[0] * y * q9
        out[10] = c3[1] * xy * z
        out[11] = c3[2] * y * q11
        out[12] = c3[3] * z * q12
        out[13] = c3[4] * x * q11
        out[14] = c3[5] * z * (xx - yy)
        out[15] = c3[6] * x * q15
    }

    @inline(__always)
    static func basisBackward(_ x: V8, _ y: V8, _ z: V8, degree: Int, gradient g: UnsafePointer<V8>) -> (V8, V8, V8) {
        if degree < 1 { return (V8(), V8(), V8()) }
        let k1 = c1
        var dx = -k1 * g[3], dy = -k1 * g[1], dz = k1 * g[2]
        if degree < 2 { return (dx, dy, dz) }
        let xx = x * x, yy = y * y, zz = z * z
        let xy = x * y, yz = y * z, xz = x * z
        let c2 = Self.c2, c3 = Self.c3
        let a0 = c2[0] * g[4], a1 = c2[1] * g[5], a2 = c2[2] * g[6]
        let a3 = c2[3] * g[7], a4 = c2[4] * g[8]
        dx += a0 * y + a3 * z
        dx += two * (a4 - a2) * x
        dy += a0 * x + a1 * z
        dy -= two * (a2 + a4) * y
        dz += a1 * y + a3 * x
        dz += four * a2 * z
        if degree < 3 { return (dx, dy, dz) }
        let b0 = c3[0] * g[9], b1 = c3[1] * g[10], b2 = c3[2] * g[11]
        let b3 = c3[3] * g[12], b4 = c3[4] * g[13], b5 = c3[5] * g[14]
        let b6 = c3[6] * g[15]
        let e0 = four * zz - three * xx - yy        // d/dx of x(4zz − xx − yy)
        let e1 = four * zz - xx - three * yy        // d/dy of y(4zz − xx − yy)
        let e2 = six * zz - three * xx - three * yy    // d/dz of z(2zz − 3xx − 3yy)
        let e3 = three * xx - three * yy
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
