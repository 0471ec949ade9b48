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
    /// Tile rectangle x0, y0, x1, y1 (exclusive ends): the tiles of the 3σ square that hold a pixel
    /// of the α ≥ threshold ellipse's bounding box.
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
    /// Projects Gaussians `range` of `params` into `state`: the covariances 8 at a time
    /// (`Covariance8`), the rest per Gaussian.
    static func forward(_ p: ParamPointers, view v: ViewConstants, shDegree: Int, alphaThreshold: Float,
                        state s: ProjectionState, range: Range<Int>) {
        var first = range.lowerBound
        while first < range.upperBound {
            let lanes = min(8, range.upperBound - first)
            let geometry = GeometryLanes(p, first: first, lanes: lanes)
            let (tx, ty, tz) = geometry.viewSpace(v)
            let cov = Covariance8(geometry, tx: tx, ty: ty, tz: tz, view: v)
            for l in 0..<lanes {
                project(first + l, tx: tx[l], ty: ty[l], tz: tz[l], cov: (cov.a[l], cov.b[l], cov.c[l]), p, view: v,
                        shDegree: shDegree, alphaThreshold: alphaThreshold, state: s)
            }
            first += lanes
        }
    }

    /// The screen-space record of Gaussian `i` (view-space mean (tx, ty, tz), 2D covariance
    /// `cov`), or radius 0 when it is culled.
    @inline(__always)
    private static func project(_ i: Int, tx: Float, ty: Float, tz: Float, cov: (a: Float, b: Float, c: Float),
                                _ p: ParamPointers, view v: ViewConstants, shDegree: Int, alphaThreshold: Float,
                                state s: ProjectionState) {
        let stride = s.recordStride, nf = s.channels - 3
        s.radius.pointer[i] = 0
        if !(tz > nearPlane) { return }
        let mx = p.means[3 * i], my = p.means[3 * i + 1], mz = p.means[3 * i + 2]
        let a = cov.a, b = cov.b, c = cov.c
        let det = a * c - b * b
        if !(det > 0) { return }
        let invDet = 1 / det
        let mid = 0.5 * (a + c)
        let lambda = mid + max(0.1, mid * mid - det).squareRoot()
        let radius = (3 * lambda.squareRoot()).rounded(.up)
        let invZ = 1 / tz
        let px = v.fx * tx * invZ + v.cx - 0.5, py = v.fy * ty * invZ + v.cy - 0.5
        // Visible when the 3σ square (3DGS `getRect`) meets a tile.
        guard var r = tileRect(px, py, radius, v) else { return }
        s.radius.pointer[i] = radius
        let rec = s.records.pointer + i * stride
        let opacity = 1 / (1 + Foundation.exp(-p.opacityLogits[i]))
        rec[Packed.px] = px; rec[Packed.py] = py
        rec[Packed.a] = c * invDet; rec[Packed.b] = -b * invDet; rec[Packed.c] = a * invDet
        rec[Packed.opacity] = opacity; rec[Packed.depth] = tz
        // Half extents of the α ≥ threshold ellipse: o·exp(−½dᵀQd) ≥ thr ⇔ dᵀQd ≤ 2·ln(o/thr),
        // |dx| ≤ √(2L·Σxx), |dy| ≤ √(2L·Σyy); with a margin so no contributing pixel is culled.
        if alphaThreshold > 0 {
            let l = Foundation.log(opacity / alphaThreshold)
            let halfX: Float = l > 0 ? (2 * l * a).squareRoot() * 1.001 + 0.01 : -1
            let halfY: Float = l > 0 ? (2 * l * c).squareRoot() * 1.001 + 0.01 : -1
            rec[Packed.halfX] = halfX; rec[Packed.halfY] = halfY
            rec[Packed.twoL] = 2 * l
            // Binned only into the tiles that both the square and the ellipse's bounding box meet:
            // the other tiles of the square hold no pixel it blends into, so the image, the
            // contributors and every gradient are the same with fewer tile entries. (No tile at
            // all when α never reaches the threshold; the Gaussian stays visible, as in 3DGS.)
            r = l > 0 ? intersection(r, tilesHoldingPixels(px, py, halfWidth: halfX, halfHeight: halfY, v)) : (r.0, r.1, r.0, r.1)
        } else {
            rec[Packed.halfX] = .infinity; rec[Packed.halfY] = .infinity
            rec[Packed.twoL] = .infinity
        }
        s.rect.pointer[4 * i] = r.0; s.rect.pointer[4 * i + 1] = r.1
        s.rect.pointer[4 * i + 2] = r.2; s.rect.pointer[4 * i + 3] = r.3
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
        var basis = SIMD16<Float>()
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

    /// Every tile holding a pixel centre (integer coordinates) in px ± halfWidth, py ± halfHeight
    /// (possibly an empty rectangle).
    @inline(__always)
    static func tilesHoldingPixels(_ px: Float, _ py: Float, halfWidth: Float, halfHeight: Float, _ v: ViewConstants)
        -> (Int32, Int32, Int32, Int32) {
        let tx = Float(v.tilesX), ty = Float(v.tilesY), t = Float(tileSize)
        // Truncation is the floor here: the clamp at 0 comes first.
        @inline(__always) func tile(_ x: Float, _ tiles: Float) -> Int32 { Int32(min(tiles, max(0, x / t))) }
        return (tile(px - halfWidth, tx), tile(py - halfHeight, ty), tile(px + halfWidth, tx - 1) + 1, tile(py + halfHeight, ty - 1) + 1)
    }

    @inline(__always)
    static func intersection(_ r: (Int32, Int32, Int32, Int32), _ s: (Int32, Int32, Int32, Int32)) -> (Int32, Int32, Int32, Int32) {
        let x0 = max(r.0, s.0), y0 = max(r.1, s.1)
        return (x0, y0, max(x0, min(r.2, s.2)), max(y0, min(r.3, s.3)))
    }
}
