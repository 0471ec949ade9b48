import Foundation
import SplatMath

/// Gaussian parameters in Double with the layout of `GaussianParams` (for the reference path
/// and finite-difference tests).
public struct ReferenceGaussians: Sendable {
    public var count: Int
    public var means: [Double], logScales: [Double], rotations: [Double], opacityLogits: [Double]
    public var sh: [Double], features: [Double]
    public var shDegree: Int, featureCount: Int

    public init(_ p: GaussianParams) {
        count = p.count
        means = p.means.map(Double.init); logScales = p.logScales.map(Double.init)
        rotations = p.rotations.map(Double.init); opacityLogits = p.opacityLogits.map(Double.init)
        sh = p.sh.map(Double.init); features = p.features.map(Double.init)
        shDegree = p.shDegree; featureCount = p.featureCount
    }
}

/// Gradients in Double with the layout of `GaussianGradients`.
public struct ReferenceGradients: Sendable {
    public var means: [Double], logScales: [Double], rotations: [Double], opacityLogits: [Double]
    public var sh: [Double], features: [Double], screenMeanGradNorm: [Double]

    public init(count: Int, featureCount: Int) {
        means = .init(repeating: 0, count: 3 * count); logScales = .init(repeating: 0, count: 3 * count)
        rotations = .init(repeating: 0, count: 4 * count); opacityLogits = .init(repeating: 0, count: count)
        sh = .init(repeating: 0, count: 48 * count); features = .init(repeating: 0, count: featureCount * count)
        screenMeanGradNorm = .init(repeating: 0, count: count)
    }
}

/// One Gaussian in screen space (3DGS pixel coordinates, pixel i's centre at i).
struct ReferenceSplat {
    var visible = false
    var px = 0.0, py = 0.0
    var a = 0.0, b = 0.0, c = 0.0      // conic
    var depth = 0.0, opacity = 0.0, radius = 0.0
    var rect = (0, 0, 0, 0)
    var color = [0.0, 0.0, 0.0]
    var clamped = [false, false, false]
}

/// Screen-space gradient of one Gaussian (true partials; b is the off-diagonal counted once).
struct ReferenceScreenGradient {
    var px = 0.0, py = 0.0, a = 0.0, b = 0.0, c = 0.0, opacity = 0.0, depth = 0.0
    var color = [0.0, 0.0, 0.0]
}

/// Slow, plain Double implementation of every stage, written from the formulas with small
/// matrices; the fast kernels are tested against it and it is tested by finite differences.
enum ReferenceProjection {
    typealias M = [[Double]]

    static func mul(_ a: M, _ b: M) -> M {
        (0..<a.count).map { r in (0..<b[0].count).map { c in (0..<b.count).reduce(0.0) { $0 + a[r][$1] * b[$1][c] } } }
    }
    static func transpose(_ a: M) -> M { (0..<a[0].count).map { c in a.map { $0[c] } } }
    static func matrix(_ m: Mat3) -> M { (0..<3).map { r in (0..<3).map { c in m[r, c] } } }

    struct Geometry {
        var t: Vec3, sigma: M, rot: M, scale: [Double], q: [Double], qNorm: Double
        var j: M, tm: M, cov2: M, clampX: Bool, clampY: Bool, txc: Double, tyc: Double
    }

    static func geometry(_ g: ReferenceGaussians, _ i: Int, _ cam: PinholeCamera) -> Geometry {
        let m = Vec3(g.means[3 * i], g.means[3 * i + 1], g.means[3 * i + 2])
        let t = cam.worldToCamera(m)
        let scale = (0..<3).map { Foundation.exp(g.logScales[3 * i + $0]) }
        let raw = (0..<4).map { g.rotations[4 * i + $0] }
        let qNorm = max(raw.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        let q = raw.map { $0 / qNorm }
        let rot = matrix(Quat(w: q[0], x: q[1], y: q[2], z: q[3]).rotationMatrix)
        let s2: M = (0..<3).map { r in (0..<3).map { c in r == c ? scale[r] * scale[r] : 0 } }
        let sigma = mul(mul(rot, s2), transpose(rot))
        let limX = 1.3 * Double(cam.width) / (2 * cam.fx), limY = 1.3 * Double(cam.height) / (2 * cam.fy)
        let rx = t.x / t.z, ry = t.y / t.z
        let txc = min(limX, max(-limX, rx)) * t.z, tyc = min(limY, max(-limY, ry)) * t.z
        let j: M = [[cam.fx / t.z, 0, -cam.fx * txc / (t.z * t.z)], [0, cam.fy / t.z, -cam.fy * tyc / (t.z * t.z)]]
        let tm = mul(j, matrix(cam.rotation))
        var cov2 = mul(mul(tm, sigma), transpose(tm))
        cov2[0][0] += 0.3; cov2[1][1] += 0.3
        return Geometry(t: t, sigma: sigma, rot: rot, scale: scale, q: q, qNorm: qNorm, j: j, tm: tm, cov2: cov2,
                        clampX: rx < -limX || rx > limX, clampY: ry < -limY || ry > limY, txc: txc, tyc: tyc)
    }

    static func direction(_ g: ReferenceGaussians, _ i: Int, _ cam: PinholeCamera) -> (Vec3, Double) {
        let d = Vec3(g.means[3 * i], g.means[3 * i + 1], g.means[3 * i + 2]) - cam.center
        let len = max(d.length, 1e-12)
        return (d / len, len)
    }

    static func basis(_ d: Vec3, _ degree: Int) -> [Double] {
        var b = [Double](repeating: 0, count: 16)
        b.withUnsafeMutableBufferPointer { SphericalHarmonics.basis(d.x, d.y, d.z, degree: degree, into: $0.baseAddress!) }
        return b
    }

    static func project(_ g: ReferenceGaussians, _ cam: PinholeCamera, shDegree: Int) -> [ReferenceSplat] {
        let tilesX = (cam.width + 15) / 16, tilesY = (cam.height + 15) / 16
        return (0..<g.count).map { i in
            var s = ReferenceSplat()
            let geo = geometry(g, i, cam)
            guard geo.t.z > 0.2 else { return s }
            let (a, b, c) = (geo.cov2[0][0], geo.cov2[0][1], geo.cov2[1][1])
            let det = a * c - b * b
            guard det > 0 else { return s }
            let mid = 0.5 * (a + c)
            let lambda = mid + max(0.1, mid * mid - det).squareRoot()
            s.radius = (3 * lambda.squareRoot()).rounded(.up)
            s.px = cam.fx * geo.t.x / geo.t.z + cam.cx - 0.5
            s.py = cam.fy * geo.t.y / geo.t.z + cam.cy - 0.5
            func clampTile(_ v: Double, _ n: Int) -> Int { Int(min(Double(n), max(0, v))) }
            s.rect = (clampTile((s.px - s.radius) / 16, tilesX), clampTile((s.py - s.radius) / 16, tilesY),
                      clampTile((s.px + s.radius + 15) / 16, tilesX), clampTile((s.py + s.radius + 15) / 16, tilesY))
            guard s.rect.2 > s.rect.0 && s.rect.3 > s.rect.1 else { return s }
            s.visible = true
            s.a = c / det; s.b = -b / det; s.c = a / det
            s.depth = geo.t.z
            s.opacity = 1 / (1 + Foundation.exp(-g.opacityLogits[i]))
            let bs = basis(direction(g, i, cam).0, shDegree)
            for ch in 0..<3 {
                var v = 0.5
                for k in 0..<SphericalHarmonics.coefficientCount(degree: shDegree) { v += bs[k] * g.sh[48 * i + 3 * k + ch] }
                s.clamped[ch] = v < 0
                s.color[ch] = max(v, 0)
            }
            return s
        }
    }

    /// Chain rule from screen-space gradients to the parameters of Gaussian i.
    static func backward(_ g: ReferenceGaussians, _ i: Int, _ cam: PinholeCamera, shDegree: Int,
                         splat s: ReferenceSplat, _ sg: ReferenceScreenGradient, into out: inout ReferenceGradients) {
        let geo = geometry(g, i, cam)
        var gm = Vec3.zero
        // Colour.
        let (dir, len) = direction(g, i, cam)
        let bs = basis(dir, shDegree)
        let nb = SphericalHarmonics.coefficientCount(degree: shDegree)
        let gcol = (0..<3).map { s.clamped[$0] ? 0 : sg.color[$0] }
        var gBasis = [Double](repeating: 0, count: 16)
        for k in 0..<nb {
            for ch in 0..<3 {
                out.sh[48 * i + 3 * k + ch] = bs[k] * gcol[ch]
                gBasis[k] += g.sh[48 * i + 3 * k + ch] * gcol[ch]
            }
        }
        let gd = gBasis.withUnsafeBufferPointer {
            SphericalHarmonics.basisBackward(dir.x, dir.y, dir.z, degree: shDegree, gradient: $0.baseAddress!)
        }
        let gdv = Vec3(gd.0, gd.1, gd.2)
        gm += (gdv - dir * dir.dot(gdv)) / len

        // Conic Q = S⁻¹: dL/dS = −Q·G·Q with G the symmetric matrix gradient of Q.
        let q: M = [[s.a, s.b], [s.b, s.c]]
        let gq: M = [[sg.a, sg.b / 2], [sg.b / 2, sg.c]]
        let gs2 = mul(mul(q, gq), q).map { $0.map { -$0 } }
        // S = T·Σ·Tᵀ: dΣ = Tᵀ·dS·T, dT = 2·dS·T·Σ; T = J·W: dJ = dT·Wᵀ.
        let gSigma = mul(mul(transpose(geo.tm), gs2), geo.tm)
        let gT = mul(mul(gs2, geo.tm), geo.sigma).map { $0.map { 2 * $0 } }
        let gJ = mul(gT, transpose(matrix(cam.rotation)))
        // J and the projected mean as functions of the view-space mean t.
        let (tx, ty, tz) = (geo.t.x, geo.t.y, geo.t.z)
        var gt = Vec3(sg.px * cam.fx / tz, sg.py * cam.fy / tz,
                      -(sg.px * cam.fx * tx + sg.py * cam.fy * ty) / (tz * tz) + sg.depth)
        gt.z += -gJ[0][0] * cam.fx / (tz * tz) - gJ[1][1] * cam.fy / (tz * tz)
        if geo.clampX {
            gt.z += gJ[0][2] * cam.fx * geo.txc / (tz * tz * tz)      // J02 = −fx·txc/tz² with txc = ±lim·tz
        } else {
            gt.x += -gJ[0][2] * cam.fx / (tz * tz); gt.z += 2 * gJ[0][2] * cam.fx * tx / (tz * tz * tz)
        }
        if geo.clampY {
            gt.z += gJ[1][2] * cam.fy * geo.tyc / (tz * tz * tz)
        } else {
            gt.y += -gJ[1][2] * cam.fy / (tz * tz); gt.z += 2 * gJ[1][2] * cam.fy * ty / (tz * tz * tz)
        }
        gm += cam.rotation.transposed * gt
        out.means[3 * i] = gm.x; out.means[3 * i + 1] = gm.y; out.means[3 * i + 2] = gm.z

        // Σ = M·Mᵀ, M = R·diag(s).
        let mm = (0..<3).map { r in (0..<3).map { c in geo.rot[r][c] * geo.scale[c] } }
        let gM = mul(gSigma, mm).map { $0.map { 2 * $0 } }
        for k in 0..<3 {
            let gScale = (0..<3).reduce(0.0) { $0 + gM[$1][k] * geo.rot[$1][k] }
            out.logScales[3 * i + k] = gScale * geo.scale[k]
        }
        var gR = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { gR[3 * r + c] = gM[r][c] * geo.scale[c] } }
        let gq4 = gR.withUnsafeBufferPointer {
            Covariance3D.rotationBackward(geo.q[0], geo.q[1], geo.q[2], geo.q[3], $0.baseAddress!)
        }
        let gqa = [gq4.0, gq4.1, gq4.2, gq4.3]
        let dot = (0..<4).reduce(0.0) { $0 + gqa[$1] * geo.q[$1] }
        for k in 0..<4 { out.rotations[4 * i + k] = (gqa[k] - geo.q[k] * dot) / geo.qNorm }
        out.opacityLogits[i] = sg.opacity * s.opacity * (1 - s.opacity)
        let nx = sg.px * Double(cam.width) / 2, ny = sg.py * Double(cam.height) / 2
        out.screenMeanGradNorm[i] = (nx * nx + ny * ny).squareRoot()
    }
}
