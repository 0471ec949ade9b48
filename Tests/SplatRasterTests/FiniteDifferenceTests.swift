import Foundation
import Testing
import SplatMath
@testable import SplatRaster

/// Central finite differences on the Double reference, with the 1/255 cutoff disabled
/// (a discontinuity), for every parameter kind.
@Suite struct FiniteDifferenceTests {
    let camera = RasterScenes.camera(width: 40, height: 34)

    func loss(_ g: ReferenceGaussians, _ o: RenderOptions, _ up: ReferenceUpstream) -> Double {
        let out = ReferenceRaster.render(g, camera: camera, options: o)
        func dot(_ a: [Double], _ b: [Double]?) -> Double { zip(a, b ?? []).reduce(0) { $0 + $1.0 * $1.1 } }
        return dot(out.color, up.color) + dot(out.features, up.features) + dot(out.depth, up.depth) + dot(out.alpha, up.alpha)
    }

    @Test(arguments: [0, 1, 3])
    func gradientsMatchFiniteDifferences(shDegree: Int) {
        var o = RenderOptions()
        o.alphaThreshold = -.infinity
        o.background = SIMD3(0.3, 0.1, 0.7)
        o.renderFeatures = true
        o.featureGradientsReachGeometry = true
        o.activeSHDegree = shDegree
        // Few, mid-sized, not too opaque Gaussians: no early stop (T < 1e-4) and no 0.99 clamp.
        var p = RasterScenes.gaussians(6, camera: camera, featureCount: 3, seed: 11 + UInt64(shDegree),
                                       minScale: 0.1, maxScale: 0.4, opacitySpread: 0.8)
        // Gaussian 0 sits left of the frustum, where the EWA Jacobian clamps x/z, and reaches into the image.
        let z = 2.5, u = -0.35 * Double(camera.width), v = 0.5 * Double(camera.height)
        let world = camera.rotation.transposed * (Vec3((u - camera.cx) / camera.fx * z, (v - camera.cy) / camera.fy * z, z)
                                                  - camera.translation)
        p.means[0] = Float(world.x); p.means[1] = Float(world.y); p.means[2] = Float(world.z)
        p.logScales[0] = Float(Foundation.log(0.35)); p.logScales[1] = Float(Foundation.log(0.3))
        p.logScales[2] = Float(Foundation.log(0.25))
        let g = ReferenceGaussians(p)
        let clamped = ReferenceProjection.geometry(g, 0, camera)
        #expect(clamped.clampX && ReferenceProjection.project(g, camera, shDegree: 0)[0].visible)
        let f = RasterScenes.upstream(width: camera.width, height: camera.height, featureCount: 3, seed: 3)
        func d(_ a: [Float]?) -> [Double]? { a.map { $0.map(Double.init) } }
        let up = ReferenceUpstream(color: d(f.color), features: d(f.features), depth: d(f.depth), alpha: d(f.alpha))
        let grads = ReferenceRaster.backward(g, camera: camera, options: o, upstream: up)

        typealias Path = WritableKeyPath<ReferenceGaussians, [Double]>
        let nb = (shDegree + 1) * (shDegree + 1)
        let shIndices = [0, 1, 2] + (nb > 1 ? [3, 5, 3 * (nb - 1) + 2] : []) + (nb > 4 ? [3 * 6 + 1, 3 * 8] : [])
        let kinds: [(String, Path, [Double], [Int])] = [
            ("means", \.means, grads.means, [0, 1, 2]), ("logScales", \.logScales, grads.logScales, [0, 1, 2]),
            ("rotations", \.rotations, grads.rotations, [0, 1, 2, 3]),
            ("opacity", \.opacityLogits, grads.opacityLogits, [0]),
            ("sh", \.sh, grads.sh, shIndices), ("features", \.features, grads.features, [0, 2]),
        ]
        let h = 1e-5
        for (name, path, analytic, offsets) in kinds {
            let stride = g[keyPath: path].count / g.count
            let scale = analytic.map(abs).max() ?? 0
            #expect(scale > 0, "\(name): all-zero gradient")
            for i in 0..<g.count {
                for off in offsets {
                    let idx = i * stride + off
                    var plus = g, minus = g
                    plus[keyPath: path][idx] += h
                    minus[keyPath: path][idx] -= h
                    let fd = (loss(plus, o, up) - loss(minus, o, up)) / (2 * h)
                    let an = analytic[idx]
                    #expect(abs(fd - an) <= 1e-4 * max(abs(an), 1e-2 * scale),
                            "\(name)[\(i)][\(off)]: finite difference \(fd), analytic \(an)")
                }
            }
        }
        // SH bands above the active degree get no gradient.
        if nb < 16 { #expect(grads.sh[3 * nb] == 0) }
    }

    @Test func screenMeanGradNormIsTheNDCScaledPixelGradient() {
        // Move a Gaussian's projected mean by finite differences in pixel space via its world mean
        // along the camera x axis; the norm must equal |dL/du|·W/2 for a pure-x dependence.
        var o = RenderOptions()
        o.alphaThreshold = -.infinity
        let p = RasterScenes.gaussians(1, camera: camera, featureCount: 0, seed: 4, minScale: 0.2, maxScale: 0.3)
        let g = ReferenceGaussians(p)
        var rng = SplatRandom(seed: 2)
        let hw = camera.width * camera.height
        let up = ReferenceUpstream(color: (0..<3 * hw).map { _ in rng.normal() })
        let grads = ReferenceRaster.backward(g, camera: camera, options: o, upstream: up)
        let splat = ReferenceProjection.project(g, camera, shDegree: 3)[0]
        #expect(splat.visible)
        // dL/du by shifting the splat directly: recompute the image loss with px ± h.
        func imageLoss(dx: Double, dy: Double) -> Double {
            var s = splat; s.px += dx; s.py += dy
            var total = 0.0
            let lists = ReferenceRaster.bin([splat], tilesX: (camera.width + 15) / 16, tilesY: (camera.height + 15) / 16)
            for y in 0..<camera.height {
                for x in 0..<camera.width {
                    let (cs, _) = ReferenceRaster.walk(x, y, lists[(y / 16) * ((camera.width + 15) / 16) + x / 16], [s],
                                                       threshold: -.infinity)
                    for c in cs { for ch in 0..<3 { total += c.alpha * c.t * s.color[ch] * up.color![ch * hw + y * camera.width + x] } }
                }
            }
            return total
        }
        let h = 1e-5
        let du = (imageLoss(dx: h, dy: 0) - imageLoss(dx: -h, dy: 0)) / (2 * h)
        let dv = (imageLoss(dx: 0, dy: h) - imageLoss(dx: 0, dy: -h)) / (2 * h)
        let expected = ((du * Double(camera.width) / 2) * (du * Double(camera.width) / 2)
                        + (dv * Double(camera.height) / 2) * (dv * Double(camera.height) / 2)).squareRoot()
        #expect(abs(grads.screenMeanGradNorm[0] - expected) <= 1e-4 * expected)
    }
}
