import Foundation
import Testing
import SplatMath
import SplatRaster
@testable import SplatLift

/// Random overlapping Gaussians of 7 objects, rendered 3 objects per pass (3 feature channels),
/// against the slow reference: the reference rasterizer blends all 7 one-hot planes at once and
/// each pixel takes the largest.
@Test func objectIDRenderingMatchesTheOneHotArgmaxReference() throws {
    let camera = PinholeCamera(width: 40, height: 30, fx: 36, fy: 36, cx: 20, cy: 15)
    var rng = SplatRandom(seed: 11)
    let n = 60, objects = 7
    var g = GaussianParams(count: n, shDegree: 0, featureCount: 3)
    var ids = [Int32](repeating: 0, count: n)
    for i in 0..<n {
        g.means[3 * i] = Float(rng.uniform() * 2 - 1)
        g.means[3 * i + 1] = Float(rng.uniform() * 1.5 - 0.75)
        g.means[3 * i + 2] = Float(2.5 + rng.uniform() * 2)
        for a in 0..<3 { g.logScales[3 * i + a] = Float(log(0.08 + 0.2 * rng.uniform())) }
        g.rotations[4 * i] = 1
        g.opacityLogits[i] = Float(rng.uniform() * 4 - 1)
        ids[i] = Int32(3 * (i % objects))        // sparse ids: 0, 3, …, 18
    }
    let fast = try ObjectIDRendering.pixelIDs(g, objectIDs: ids, camera: camera, backend: CPURasterizer(), threads: 1)

    var reference = GaussianParams(count: n, shDegree: 0, featureCount: objects)
    reference.means = g.means; reference.logScales = g.logScales
    reference.rotations = g.rotations; reference.opacityLogits = g.opacityLogits
    for i in 0..<n { reference.features[i * objects + Int(ids[i]) / 3] = 1 }
    var options = RenderOptions()
    options.renderFeatures = true
    options.activeSHDegree = 0
    let planes = ReferenceRasterizer().render(reference, camera: camera, options: options).features
    let pixels = camera.width * camera.height
    var compared = 0
    for p in 0..<pixels {
        let weights = (0..<objects).map { planes[$0 * pixels + p] }
        let sorted = weights.sorted(by: >)
        if sorted[0] <= 0 { #expect(fast[p] == -1); continue }
        guard sorted[0] - sorted[1] > 1e-4 else { continue }      // near-ties may go either way
        #expect(fast[p] == Int32(3 * weights.firstIndex(of: sorted[0])!))
        compared += 1
    }
    #expect(compared > pixels / 2)
    #expect(throws: SplatError.self) {
        try ObjectIDRendering.pixelIDs(g, objectIDs: [0], camera: camera, backend: CPURasterizer())
    }
}
