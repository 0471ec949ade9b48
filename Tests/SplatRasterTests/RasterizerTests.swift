import Foundation
import Testing
import SplatMath
@testable import SplatRaster

/// max|fast − ref| / max|ref| (normwise relative error; 0 when both are 0).
func relativeError(_ fast: [Float], _ ref: [Double]) -> Double {
    #expect(fast.count == ref.count)
    var diff = 0.0, scale = 0.0
    for (a, b) in zip(fast, ref) {
        diff = max(diff, abs(Double(a) - b)); scale = max(scale, abs(b))
    }
    return scale == 0 ? diff : diff / scale
}

@Suite struct RasterizerTests {
    let camera = RasterScenes.camera()

    func options(features: Bool = true, reach: Bool = false, threads: Int = 1) -> RenderOptions {
        var o = RenderOptions()
        o.background = SIMD3(0.2, 0.5, 0.9)
        o.renderFeatures = features
        o.featureGradientsReachGeometry = reach
        o.threads = threads
        return o
    }

    @Test func tinyOpaqueGaussianLightsThePixelProjectSays() {
        let cam = camera
        for (u, v) in [(10.3, 7.8), (40.9, 20.1), (69.5, 49.5), (0.2, 0.7)] {
            // The world point that projects to (u, v) at depth 3.
            let z = 3.0
            let pc = Vec3((u - cam.cx) / cam.fx * z, (v - cam.cy) / cam.fy * z, z)
            let pw = cam.rotation.transposed * (pc - cam.translation)
            let p = cam.project(pw)
            #expect(abs(p.u - u) < 1e-9 && abs(p.v - v) < 1e-9)
            var g = GaussianParams(count: 1, shDegree: 0)
            g.means = [Float(pw.x), Float(pw.y), Float(pw.z)]
            g.logScales = [Float](repeating: Float(Foundation.log(0.002)), count: 3)
            g.opacityLogits = [8]
            let out = CPURasterizer().render(g, camera: cam, options: RenderOptions())
            let best = out.alpha.indices.max { out.alpha[$0] < out.alpha[$1] }!
            #expect(best % cam.width == Int(u.rounded(.down)) && best / cam.width == Int(v.rounded(.down)),
                    "(\(u), \(v)) lit pixel \(best % cam.width), \(best / cam.width)")
            #expect(out.alpha[best] > 0.5)
        }
    }

    @Test func projectionMatchesReference() {
        let g = RasterScenes.gaussians(300, camera: camera)
        let view = ViewConstants(camera)
        let state = ProjectionState()
        state.ensure(g.count, channels: 3)
        withPointers(g) {
            Projection.forward($0, view: view, shDegree: 3, alphaThreshold: 1 / 255, state: state, range: 0..<g.count)
        }
        let ref = ReferenceProjection.project(ReferenceGaussians(g), camera, shDegree: 3)
        var visible = 0
        for i in 0..<g.count {
            #expect(ref[i].visible == (state.radius.pointer[i] > 0))
            guard ref[i].visible else { continue }
            visible += 1
            #expect(Double(state.radius.pointer[i]) == ref[i].radius)
            let r = state.records.pointer + i * state.recordStride
            let pairs: [(Float, Double)] = [(r[Packed.px], ref[i].px), (r[Packed.py], ref[i].py),
                                            (r[Packed.a], ref[i].a), (r[Packed.b], ref[i].b),
                                            (r[Packed.c], ref[i].c), (r[Packed.depth], ref[i].depth),
                                            (r[Packed.opacity], ref[i].opacity), (r[Packed.channels], ref[i].color[0]),
                                            (r[Packed.channels + 1], ref[i].color[1]),
                                            (r[Packed.channels + 2], ref[i].color[2])]
            for (a, b) in pairs { #expect(abs(Double(a) - b) <= 1e-4 * max(1, abs(b))) }
        }
        #expect(visible > 150)
    }

    /// The fast binning keeps the reference's tiles (3DGS: the 3σ square) and its front-to-back
    /// order, and leaves out only a Gaussian's tiles where its α reaches 1/255 at no pixel.
    @Test func binningMatchesReference() {
        let g = RasterScenes.gaussians(300, camera: camera)
        let view = ViewConstants(camera)
        let state = ProjectionState()
        state.ensure(g.count, channels: 3)
        withPointers(g) {
            Projection.forward($0, view: view, shDegree: 3, alphaThreshold: 1 / 255, state: state, range: 0..<g.count)
        }
        let bins = TileBins()
        bins.bin(state, view: view, threads: 1)
        let splats = ReferenceProjection.project(ReferenceGaussians(g), camera, shDegree: 3)
        let lists = ReferenceRaster.bin(splats, tilesX: view.tilesX, tilesY: view.tilesY)
        var kept = 0, dropped = 0
        for t in 0..<bins.tileCount {
            let fast = (Int(bins.tileStart.pointer[t])..<Int(bins.tileStart.pointer[t + 1])).map { Int(bins.entries.pointer[$0]) }
            let fastSet = Set(fast)
            #expect(fast == lists[t].filter { fastSet.contains($0) })
            kept += fast.count
            let x0 = (t % view.tilesX) * tileSize, y0 = (t / view.tilesX) * tileSize
            for i in lists[t] where !fastSet.contains(i) {
                dropped += 1
                let s = splats[i]
                var alpha = 0.0
                for y in y0..<min(y0 + tileSize, view.height) {
                    for x in x0..<min(x0 + tileSize, view.width) {
                        let dx = Double(x) - s.px, dy = Double(y) - s.py
                        let power = -0.5 * (s.a * dx * dx + s.c * dy * dy) - s.b * dx * dy
                        if power <= 0 { alpha = max(alpha, min(0.99, s.opacity * Foundation.exp(power))) }
                    }
                }
                #expect(alpha < 1.0 / 255, "tile \(t) left out Gaussian \(i), which reaches α \(alpha) there")
            }
        }
        #expect(kept + dropped == lists.reduce(0) { $0 + $1.count })
        #expect(dropped > 0, "the scene should have tiles of the 3σ square that the α ellipse misses")
    }

    /// The parallel counting sort by tile gives the serial one's lists (a scene large enough to be
    /// cut into several chunks).
    @Test func binningIsTheSameOnOneAndSeveralThreads() {
        let camera = BenchmarkScene.camera(width: 400, height: 300)
        let g = BenchmarkScene.gaussians(count: 60_000, camera: camera, featureCount: 0, seed: 3)
        let view = ViewConstants(camera)
        let state = ProjectionState()
        state.ensure(g.count, channels: 3)
        withPointers(g) {
            Projection.forward($0, view: view, shDegree: 3, alphaThreshold: 1 / 255, state: state, range: 0..<g.count)
        }
        func lists(threads: Int) -> (starts: [Int32], entries: [Int32]) {
            let bins = TileBins()
            bins.bin(state, view: view, threads: threads)
            return (Array(UnsafeBufferPointer(start: bins.tileStart.pointer, count: bins.tileCount + 1)),
                    Array(UnsafeBufferPointer(start: bins.entries.pointer, count: bins.entryCount)))
        }
        let serial = lists(threads: 1), parallel = lists(threads: 4)
        #expect(serial.entries.count > 100_000)
        #expect(serial.starts == parallel.starts)
        #expect(serial.entries == parallel.entries)
    }

    /// Fast against reference: every output and every gradient within 1e-4 relative.
    @Test(arguments: [false, true])
    func fastMatchesReference(featuresReachGeometry: Bool) {
        // 11 feature channels: the backward's transposed block of 8 and 3 channels after it.
        let g = RasterScenes.gaussians(120, camera: camera, featureCount: 11)
        let o = options(reach: featuresReachGeometry)
        let fast = CPURasterizer()
        let out = fast.render(g, camera: camera, options: o)
        let rg = ReferenceGaussians(g)
        let ref = ReferenceRaster.render(rg, camera: camera, options: o)
        #expect(relativeError(out.color, ref.color) <= 1e-4)
        #expect(relativeError(out.features, ref.features) <= 1e-4)
        #expect(relativeError(out.depth, ref.depth) <= 1e-4)
        #expect(relativeError(out.alpha, ref.alpha) <= 1e-4)
        #expect(out.contributors == ref.contributors)
        #expect(out.contributors.max()! > 3)
        #expect(relativeError(out.radii, ref.radii) == 0)

        let up = RasterScenes.upstream(width: camera.width, height: camera.height, featureCount: g.featureCount)
        let grads = RasterScenes.gradients(fast, g, up)
        func d(_ a: [Float]?) -> [Double]? { a.map { $0.map(Double.init) } }
        let rgr = ReferenceRaster.backward(rg, camera: camera, options: o,
                                           upstream: ReferenceUpstream(color: d(up.color), features: d(up.features),
                                                                       depth: d(up.depth), alpha: d(up.alpha)))
        let pairs: [(String, [Float], [Double])] = [
            ("means", grads.means, rgr.means), ("logScales", grads.logScales, rgr.logScales),
            ("rotations", grads.rotations, rgr.rotations), ("opacity", grads.opacityLogits, rgr.opacityLogits),
            ("sh", grads.sh, rgr.sh), ("features", grads.features, rgr.features),
            ("screenNorm", grads.screenMeanGradNorm, rgr.screenMeanGradNorm)]
        for (name, a, b) in pairs {
            let e = relativeError(a, b)
            #expect(e <= 1e-4, "\(name): relative error \(e)")
            #expect(b.contains { $0 != 0 }, "\(name) all zero")
        }
    }

    /// One-hot feature upstreams (a label per pixel, as Gaussian voting sends) skip the zero planes
    /// of each row; the feature gradients still match the reference.
    @Test func oneHotFeatureUpstreamMatchesReference() {
        let g = RasterScenes.gaussians(120, camera: camera)
        let o = options()
        let fast = CPURasterizer()
        _ = fast.render(g, camera: camera, options: o)
        let hw = camera.width * camera.height, nf = g.featureCount
        var planes = [Float](repeating: 0, count: nf * hw)
        for p in 0..<hw { planes[((p % camera.width) / 7 + 3 * (p / camera.width / 5)) % nf * hw + p] = 1 }
        let grads = RasterScenes.gradients(fast, g, RenderUpstream(features: planes))
        let ref = ReferenceRaster.backward(ReferenceGaussians(g), camera: camera, options: o,
                                           upstream: ReferenceUpstream(color: nil, features: planes.map(Double.init),
                                                                       depth: nil, alpha: nil))
        #expect(relativeError(grads.features, ref.features) <= 1e-4)
        #expect(ref.features.contains { $0 != 0 })
    }

    @Test func blockedFeatureGradientsReachOnlyFeatures() {
        let g = RasterScenes.gaussians(120, camera: camera)
        let full = RasterScenes.upstream(width: camera.width, height: camera.height, featureCount: g.featureCount)
        let r = CPURasterizer()
        _ = r.render(g, camera: camera, options: options(reach: false))
        let withFeatures = RasterScenes.gradients(r, g, full)
        let noFeatures = RasterScenes.gradients(r, g, RenderUpstream(color: full.color, depth: full.depth, alpha: full.alpha))
        #expect(withFeatures.means == noFeatures.means && withFeatures.opacityLogits == noFeatures.opacityLogits)
        #expect(withFeatures.logScales == noFeatures.logScales && withFeatures.rotations == noFeatures.rotations)
        #expect(noFeatures.features.allSatisfy { $0 == 0 })
        // Feature upstream alone: feature gradients, and nothing else.
        let onlyFeatures = RasterScenes.gradients(r, g, RenderUpstream(features: full.features))
        #expect(onlyFeatures.features == withFeatures.features)
        #expect(onlyFeatures.features.contains { $0 != 0 })
        #expect(onlyFeatures.means.allSatisfy { $0 == 0 } && onlyFeatures.opacityLogits.allSatisfy { $0 == 0 })
        #expect(onlyFeatures.screenMeanGradNorm.allSatisfy { $0 == 0 })
        // Unblocked, the same feature upstream moves the geometry.
        _ = r.render(g, camera: camera, options: options(reach: true))
        let reach = RasterScenes.gradients(r, g, RenderUpstream(features: full.features))
        #expect(reach.means.contains { $0 != 0 })
        #expect(reach.features == onlyFeatures.features)
    }

    @Test func oneAndTwoThreadsAreBitIdentical() {
        let cam = RasterScenes.camera(width: 150, height: 110)
        let g = RasterScenes.gaussians(3000, camera: cam, featureCount: 16, seed: 5)
        let up = RasterScenes.upstream(width: cam.width, height: cam.height, featureCount: 16)
        var results: [(RenderOutput, GaussianGradients)] = []
        for threads in [1, 2] {
            let r = CPURasterizer()
            let out = r.render(g, camera: cam, options: options(threads: threads))
            let grads = RasterScenes.gradients(r, g, up)
            results.append((out, grads))
        }
        let (a, b) = (results[0], results[1])
        #expect(a.0.color == b.0.color && a.0.features == b.0.features && a.0.depth == b.0.depth)
        #expect(a.0.alpha == b.0.alpha && a.0.contributors == b.0.contributors)
        #expect(RasterScenes.bitIdentical(a.1, b.1))
        #expect(a.1.means.contains { $0 != 0 })
    }

    @Test func gradientsOfSlicesAreRowsOfTheFullGradients() {
        let cam = RasterScenes.camera(width: 150, height: 110)
        let g = RasterScenes.gaussians(1000, camera: cam, featureCount: 4, seed: 9)
        let up = RasterScenes.upstream(width: cam.width, height: cam.height, featureCount: 4)
        let r = CPURasterizer()
        _ = r.render(g, camera: cam, options: options(threads: 2))
        let all = RasterScenes.gradients(r, g, up)
        var slice = GaussianGradients(count: 0, featureCount: 0)
        for rows in [0..<1000, 0..<1, 137..<512, 999..<1000] {
            r.gradients(g, rows: rows, into: &slice)
            func part(_ a: [Float], _ stride: Int) -> [Float] { Array(a[(rows.lowerBound * stride)..<(rows.upperBound * stride)]) }
            #expect(slice.means == part(all.means, 3) && slice.logScales == part(all.logScales, 3))
            #expect(slice.rotations == part(all.rotations, 4) && slice.opacityLogits == part(all.opacityLogits, 1))
            #expect(slice.sh == part(all.sh, 48) && slice.features == part(all.features, 4))
            #expect(slice.screenMeanGradNorm == part(all.screenMeanGradNorm, 1))
        }
    }

    @Test(arguments: [false, true])
    func updateWithGradientsHandsOverEveryRowOnce(reference: Bool) {
        let cam = RasterScenes.camera(width: 150, height: 110)
        var g = RasterScenes.gaussians(reference ? 60 : 1000, camera: cam, featureCount: 4, seed: 9)
        let up = RasterScenes.upstream(width: cam.width, height: cam.height, featureCount: 4)
        let backend: RasterBackend = reference ? ReferenceRasterizer() : CPURasterizer()
        _ = backend.render(g, camera: cam, options: options(threads: 2))
        let all = RasterScenes.gradients(backend, g, up)
        let before = g
        var seen = GaussianGradients(count: g.count, featureCount: 4)
        var visits = [Int](repeating: 0, count: g.count)
        seen.sh.withUnsafeMutableBufferPointer { sh in
            seen.means.withUnsafeMutableBufferPointer { means in
                seen.screenMeanGradNorm.withUnsafeMutableBufferPointer { norms in
                    visits.withUnsafeMutableBufferPointer { visits in
                        nonisolated(unsafe) let (sh, means, norms, visits) = (sh, means, norms, visits)
                        backend.updateWithGradients(&g, blockRows: 64) { block, params in
                            for (r, i) in block.rows.enumerated() {
                                for k in 0..<48 { sh[48 * i + k] = block.gradients.sh[48 * r + k] }
                                for k in 0..<3 { means[3 * i + k] = block.gradients.means[3 * r + k] }
                                norms[i] = block.screenMeanGradNorm[r]
                                visits[i] += 1
                                params.opacityLogits[i] += 1
                            }
                        }
                    }
                }
            }
        }
        #expect(visits.allSatisfy { $0 == 1 })
        #expect(seen.sh == all.sh && seen.means == all.means && seen.screenMeanGradNorm == all.screenMeanGradNorm)
        #expect(g.opacityLogits == before.opacityLogits.map { $0 + 1 } && g.means == before.means)
    }

    @Test func repeatedRendersReuseStateAndAgree() {
        let g = RasterScenes.gaussians(200, camera: camera)
        let r = CPURasterizer()
        let first = r.render(g, camera: camera, options: options())
        let small = RasterScenes.gaussians(10, camera: RasterScenes.camera(width: 20, height: 20), featureCount: 4)
        _ = r.render(small, camera: RasterScenes.camera(width: 20, height: 20), options: options())
        let again = r.render(g, camera: camera, options: options())
        #expect(first.color == again.color && first.features == again.features)
    }

    /// The backward reads the segment lists its render kept: after other renders (another size,
    /// so other tiles) and a render of the same scene again, its gradients are bit-identical.
    @Test func backwardUsesTheLatestRendersSegmentLists() {
        let cam = RasterScenes.camera(width: 150, height: 110)
        let g = RasterScenes.gaussians(2000, camera: cam, featureCount: 16, seed: 7)
        let up = RasterScenes.upstream(width: cam.width, height: cam.height, featureCount: 16)
        let r = CPURasterizer()
        _ = r.render(g, camera: cam, options: options(threads: 2))
        let first = RasterScenes.gradients(r, g, up)
        let smallCamera = RasterScenes.camera(width: 20, height: 20)
        _ = r.render(RasterScenes.gaussians(10, camera: smallCamera, featureCount: 16), camera: smallCamera,
                     options: options(threads: 2))
        _ = r.render(g, camera: cam, options: options(threads: 2))
        let again = RasterScenes.gradients(r, g, up)
        #expect(RasterScenes.bitIdentical(first, again) && first.means.contains { $0 != 0 })
    }

    /// Kept lists read back as built, across the arena's blocks, with 16-bit entry indices and (in
    /// tiles of more than 65,536 entries) 32-bit ones, and are forgotten by the next reset.
    @Test func keptSegmentListsReadBackAsBuilt() {
        let store = SegmentListStore(), arena = SegmentListArena()
        store.reset(tileCount: 40)
        let segments = SegmentLists.segments
        func entries(_ tile: Int) -> Int { tile % 13 == 0 ? 70_000 : 3000 }
        func built(_ tile: Int) -> (lists: [Int32], counts: [Int32]) {
            let n = entries(tile)
            var lists = [Int32](repeating: -1, count: n * segments), counts = [Int32](repeating: 0, count: segments)
            for q in 0..<segments {
                counts[q] = Int32((tile * 7 + q * 3) % min(n + 1, 3001))
                for c in 0..<Int(counts[q]) { lists[q * n + c] = Int32((c + 1) * (tile + 1) * 7919 % n) }
            }
            return (lists, counts)
        }
        for tile in 0..<40 {
            let (lists, counts) = built(tile)
            store.keep(tile: tile, n: entries(tile), lists: lists, segmentCount: counts, into: arena)
        }
        for tile in 0..<40 {
            let (lists, counts) = built(tile)
            let kept = try! #require(store.lists(of: tile))
            let n = entries(tile)
            for q in 0..<segments {
                #expect(kept.count(q) == Int(counts[q]))
                #expect((0..<kept.count(q)).allSatisfy { kept.entries[kept.start(q) + $0] == Int(lists[q * n + $0]) })
            }
        }
        store.reset(tileCount: 40)
        #expect(store.lists(of: 3) == nil)
    }
}
