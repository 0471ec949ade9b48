import Foundation
import SplatMath

/// All outputs of the reference render, in Double.
public struct ReferenceOutput: Sendable {
    public var width: Int, height: Int
    public var color: [Double], features: [Double], depth: [Double], alpha: [Double]
    public var contributors: [Int32], radii: [Double]
}

/// Upstream gradients in Double for the reference backward.
public struct ReferenceUpstream: Sendable {
    public var color: [Double]?, features: [Double]?, depth: [Double]?, alpha: [Double]?
    public init(color: [Double]? = nil, features: [Double]? = nil, depth: [Double]? = nil, alpha: [Double]? = nil) {
        self.color = color; self.features = features; self.depth = depth; self.alpha = alpha
    }
}

/// The slow Double reference of every stage (projection, binning, blending and their backward
/// passes), pixel by pixel as the 3DGS CUDA kernels do it. Tests hold the fast CPU rasterizer
/// to it and check it with finite differences.
public enum ReferenceRaster {
    /// Per-tile lists, each sorted by (depth, index).
    static func bin(_ splats: [ReferenceSplat], tilesX: Int, tilesY: Int) -> [[Int]] {
        var lists = [[Int]](repeating: [], count: tilesX * tilesY)
        let order = splats.indices.filter { splats[$0].visible }
            .sorted { (splats[$0].depth, $0) < (splats[$1].depth, $1) }
        for i in order {
            let r = splats[i].rect
            for ty in r.1..<r.3 { for tx in r.0..<r.2 { lists[ty * tilesX + tx].append(i) } }
        }
        return lists
    }

    /// One blended Gaussian of a pixel.
    struct Contribution { var index: Int, alpha: Double, t: Double, gauss: Double, dx: Double, dy: Double }

    /// The front-to-back walk of pixel (x, y) over its tile's list.
    static func walk(_ x: Int, _ y: Int, _ list: [Int], _ splats: [ReferenceSplat], threshold: Double)
        -> (contributions: [Contribution], finalT: Double) {
        var t = 1.0
        var out: [Contribution] = []
        for i in list {
            let s = splats[i]
            let dx = Double(x) - s.px, dy = Double(y) - s.py
            let power = -0.5 * (s.a * dx * dx + s.c * dy * dy) - s.b * dx * dy
            if power > 0 { continue }
            let gauss = Foundation.exp(power)
            let alpha = min(0.99, s.opacity * gauss)
            if alpha < threshold { continue }
            let next = t * (1 - alpha)
            if next < 1e-4 { break }
            out.append(Contribution(index: i, alpha: alpha, t: t, gauss: gauss, dx: dx, dy: dy))
            t = next
        }
        return (out, t)
    }

    struct Setup {
        var splats: [ReferenceSplat], lists: [[Int]], tilesX: Int, featureCount: Int, degree: Int
    }

    static func setup(_ g: ReferenceGaussians, _ cam: PinholeCamera, _ o: RenderOptions) -> Setup {
        let degree = max(0, min(3, min(o.activeSHDegree, g.shDegree)))
        let splats = ReferenceProjection.project(g, cam, shDegree: degree)
        let tilesX = (cam.width + 15) / 16, tilesY = (cam.height + 15) / 16
        return Setup(splats: splats, lists: bin(splats, tilesX: tilesX, tilesY: tilesY), tilesX: tilesX,
                     featureCount: o.renderFeatures ? g.featureCount : 0, degree: degree)
    }

    /// Renders colour, features, expected depth, alpha and contributor counts.
    public static func render(_ g: ReferenceGaussians, camera cam: PinholeCamera, options o: RenderOptions) -> ReferenceOutput {
        let su = setup(g, cam, o)
        let w = cam.width, h = cam.height, hw = w * h, nf = su.featureCount
        var out = ReferenceOutput(width: w, height: h, color: .init(repeating: 0, count: 3 * hw),
                                  features: .init(repeating: 0, count: nf * hw), depth: .init(repeating: 0, count: hw),
                                  alpha: .init(repeating: 0, count: hw), contributors: .init(repeating: 0, count: hw),
                                  radii: su.splats.map { $0.visible ? $0.radius : 0 })
        let bg = [Double(o.background.x), Double(o.background.y), Double(o.background.z)]
        for y in 0..<h {
            for x in 0..<w {
                let p = y * w + x
                let (cs, tFinal) = walk(x, y, su.lists[(y / 16) * su.tilesX + x / 16], su.splats,
                                        threshold: Double(o.alphaThreshold))
                for c in cs {
                    let wgt = c.alpha * c.t
                    for ch in 0..<3 { out.color[ch * hw + p] += wgt * su.splats[c.index].color[ch] }
                    for j in 0..<nf { out.features[j * hw + p] += wgt * g.features[c.index * g.featureCount + j] }
                    out.depth[p] += wgt * su.splats[c.index].depth
                }
                for ch in 0..<3 { out.color[ch * hw + p] += tFinal * bg[ch] }
                out.alpha[p] = 1 - tFinal
                out.contributors[p] = Int32(cs.count)
            }
        }
        return out
    }

    /// Gradients of Σ upstream·output with respect to every parameter.
    public static func backward(_ g: ReferenceGaussians, camera cam: PinholeCamera, options o: RenderOptions,
                                upstream up: ReferenceUpstream) -> ReferenceGradients {
        let su = setup(g, cam, o)
        let w = cam.width, h = cam.height, hw = w * h, nf = su.featureCount
        var screen = [ReferenceScreenGradient](repeating: ReferenceScreenGradient(), count: g.count)
        var grads = ReferenceGradients(count: g.count, featureCount: g.featureCount)
        let bg = [Double(o.background.x), Double(o.background.y), Double(o.background.z)]
        let featureAlpha = o.featureGradientsReachGeometry
        for y in 0..<h {
            for x in 0..<w {
                let p = y * w + x
                let (cs, tFinal) = walk(x, y, su.lists[(y / 16) * su.tilesX + x / 16], su.splats,
                                        threshold: Double(o.alphaThreshold))
                let gc = (0..<3).map { up.color?[$0 * hw + p] ?? 0 }
                let gf = (0..<nf).map { up.features?[$0 * hw + p] ?? 0 }
                let gd = up.depth?[p] ?? 0
                // What α_i sees through T_final: d(T_final)/dα_i = −T_final/(1 − α_i).
                let s = (up.alpha?[p] ?? 0) - (0..<3).reduce(0.0) { $0 + bg[$1] * gc[$1] }
                // P_i = Σ value·upstream over the channels that reach α.
                let values = cs.map { c -> Double in
                    let sp = su.splats[c.index]
                    var v = (0..<3).reduce(0.0) { $0 + sp.color[$1] * gc[$1] } + sp.depth * gd
                    if featureAlpha {
                        for j in 0..<nf { v += g.features[c.index * g.featureCount + j] * gf[j] }
                    }
                    return v
                }
                var suffix = 0.0   // Σ_{j > i} w_j·P_j
                for k in stride(from: cs.count - 1, through: 0, by: -1) {
                    let c = cs[k], i = c.index, sp = su.splats[i]
                    let wgt = c.alpha * c.t
                    for ch in 0..<3 { screen[i].color[ch] += wgt * gc[ch] }
                    for j in 0..<nf { grads.features[i * g.featureCount + j] += wgt * gf[j] }
                    screen[i].depth += wgt * gd
                    let dAlpha = c.t * values[k] - (suffix - tFinal * s) / (1 - c.alpha)
                    suffix += wgt * values[k]
                    guard sp.opacity * c.gauss < 0.99 else { continue }
                    let dG = sp.opacity * dAlpha
                    screen[i].opacity += c.gauss * dAlpha
                    // G = exp(−½(a·dx² + c·dy²) − b·dx·dy), dx = x − px.
                    screen[i].px += dG * c.gauss * (sp.a * c.dx + sp.b * c.dy)
                    screen[i].py += dG * c.gauss * (sp.b * c.dx + sp.c * c.dy)
                    screen[i].a += -0.5 * dG * c.gauss * c.dx * c.dx
                    screen[i].b += -dG * c.gauss * c.dx * c.dy
                    screen[i].c += -0.5 * dG * c.gauss * c.dy * c.dy
                }
            }
        }
        for i in 0..<g.count where su.splats[i].visible {
            ReferenceProjection.backward(g, i, cam, shDegree: su.degree, splat: su.splats[i], screen[i], into: &grads)
        }
        return grads
    }
}

/// The reference as a `RasterBackend` (Float in and out, Double inside), for tests and checks.
public final class ReferenceRasterizer: RasterBackend {
    private var camera: PinholeCamera?
    private var options = RenderOptions()
    /// Gradients of every Gaussian from the latest `backward`.
    private var latest = GaussianGradients(count: 0, featureCount: 0)

    public init() {}

    public func render(_ gaussians: GaussianParams, camera: PinholeCamera, options: RenderOptions) -> RenderOutput {
        self.camera = camera
        self.options = options
        let r = ReferenceRaster.render(ReferenceGaussians(gaussians), camera: camera, options: options)
        return RenderOutput(width: r.width, height: r.height, color: r.color.map(Float.init),
                            features: r.features.map(Float.init), depth: r.depth.map(Float.init),
                            alpha: r.alpha.map(Float.init), contributors: r.contributors, radii: r.radii.map(Float.init))
    }

    public func backward(_ gaussians: GaussianParams, upstream: RenderUpstream) {
        var all = GaussianGradients(count: gaussians.count, featureCount: gaussians.featureCount)
        defer { latest = all }
        guard let camera else { return }
        func d(_ a: [Float]?) -> [Double]? { a.map { $0.map(Double.init) } }
        let up = ReferenceUpstream(color: d(upstream.color), features: d(upstream.features),
                                   depth: d(upstream.depth), alpha: d(upstream.alpha))
        let r = ReferenceRaster.backward(ReferenceGaussians(gaussians), camera: camera, options: options, upstream: up)
        all.means = r.means.map(Float.init); all.logScales = r.logScales.map(Float.init)
        all.rotations = r.rotations.map(Float.init); all.opacityLogits = r.opacityLogits.map(Float.init)
        all.sh = r.sh.map(Float.init); all.features = r.features.map(Float.init)
        all.screenMeanGradNorm = r.screenMeanGradNorm.map(Float.init)
    }

    public func gradients(_ gaussians: GaussianParams, rows: Range<Int>, into gradients: inout GaussianGradients) {
        let nf = gaussians.featureCount
        func slice(_ a: [Float], _ stride: Int) -> [Float] { Array(a[(rows.lowerBound * stride)..<(rows.upperBound * stride)]) }
        gradients.means = slice(latest.means, 3); gradients.logScales = slice(latest.logScales, 3)
        gradients.rotations = slice(latest.rotations, 4); gradients.opacityLogits = slice(latest.opacityLogits, 1)
        gradients.sh = slice(latest.sh, GaussianParams.shStride); gradients.features = slice(latest.features, nf)
        gradients.screenMeanGradNorm = slice(latest.screenMeanGradNorm, 1)
    }
}
