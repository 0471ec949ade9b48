import Foundation
import Testing
@testable import SplatTrain
import SplatMath
import SplatRaster

/// Parameters with every value distinct, so misaligned rows are detectable.
func taggedParams(count: Int, featureCount: Int = 0) -> GaussianParams {
    var p = GaussianParams(count: count, shDegree: 3, featureCount: featureCount)
    var rng = SplatRandom(seed: 99)
    for i in 0..<p.means.count { p.means[i] = Float(rng.normal()) }
    for i in 0..<p.logScales.count { p.logScales[i] = Float(-3 + rng.normal()) }
    for i in 0..<p.rotations.count { p.rotations[i] = Float(rng.normal()) }
    for i in 0..<p.opacityLogits.count { p.opacityLogits[i] = Float(rng.normal()) }
    for i in 0..<p.sh.count { p.sh[i] = Float(rng.normal()) }
    for i in 0..<p.features.count { p.features[i] = Float(rng.normal()) }
    return p
}

func randomGradients(for p: GaussianParams, seed: UInt64) -> GaussianGradients {
    var g = GaussianGradients(count: p.count, featureCount: p.featureCount)
    var rng = SplatRandom(seed: seed)
    for i in 0..<g.means.count { g.means[i] = Float(rng.normal()) * 1e-3 }
    for i in 0..<g.logScales.count { g.logScales[i] = Float(rng.normal()) * 1e-3 }
    for i in 0..<g.rotations.count { g.rotations[i] = Float(rng.normal()) * 1e-3 }
    for i in 0..<g.opacityLogits.count { g.opacityLogits[i] = Float(rng.normal()) * 1e-3 }
    for i in 0..<g.sh.count { g.sh[i] = Float(rng.normal()) * 1e-3 }
    for i in 0..<g.features.count { g.features[i] = Float(rng.normal()) * 1e-3 }
    return g
}

@Test func adamMatchesPyTorchFormulaInDouble() {
    let p0 = taggedParams(count: 5, featureCount: 2)
    var p = p0
    var adam = AdamState(for: p)
    let rates = GroupLearningRates(means: 1e-3, shDC: 2e-3, shRest: 1e-4, opacity: 0.05, scaling: 5e-3,
                                   rotation: 1e-3, features: 2.5e-3)
    var m = [Double](repeating: 0, count: p.sh.count), v = m, ref = p0.sh.map(Double.init)
    var mo = [Double](repeating: 0, count: p.count), vo = mo, refO = p0.opacityLogits.map(Double.init)
    for t in 1...4 {
        let g = randomGradients(for: p, seed: UInt64(t))
        #expect(adam.step(&p, gradients: g, rates: rates, threads: 1))
        func ref1(_ x: inout [Double], _ m: inout [Double], _ v: inout [Double], _ grad: [Float], lr: (Int) -> Double) {
            for i in 0..<x.count {
                let gi = Double(grad[i])
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let bc1 = 1 - pow(0.9, Double(t)), bc2 = 1 - pow(0.999, Double(t))
                x[i] -= lr(i) / bc1 * m[i] / (v[i].squareRoot() / bc2.squareRoot() + 1e-15)
            }
        }
        ref1(&ref, &m, &v, g.sh) { $0 % 48 < 3 ? 2e-3 : 1e-4 }
        ref1(&refO, &mo, &vo, g.opacityLogits) { _ in 0.05 }
    }
    for i in 0..<ref.count { #expect(abs(Double(p.sh[i]) - ref[i]) < 1e-5) }
    for i in 0..<refO.count { #expect(abs(Double(p.opacityLogits[i]) - refO[i]) < 1e-5) }
    #expect(adam.steps == [4, 4, 4, 4, 4, 4, 4])
}

@Test func adamIsIdenticalForAnyThreadCount() {
    let p0 = taggedParams(count: 3000, featureCount: 16)
    let g = randomGradients(for: p0, seed: 7)
    let rates = GroupLearningRates(config: TrainConfig(), sceneExtent: 2, iteration: 10)
    var a = p0, b = p0
    var adamA = AdamState(for: a), adamB = AdamState(for: b)
    _ = adamA.step(&a, gradients: g, rates: rates, threads: 1)
    _ = adamB.step(&b, gradients: g, rates: rates, threads: 0)
    #expect(a == b && adamA == adamB)
}

@Test func adamUpdatesBySlicesEqualOneStep() {
    let p0 = taggedParams(count: 2500, featureCount: 3)
    let g = randomGradients(for: p0, seed: 3)
    let rates = GroupLearningRates(config: TrainConfig(), sceneExtent: 2, iteration: 10)
    for skipping: Set<ParameterGroup> in [[], [.opacity]] {
        var a = p0, b = p0
        var adamA = AdamState(for: a), adamB = AdamState(for: b)
        _ = adamA.step(&a, gradients: g, rates: rates, skipping: skipping)
        let step = adamB.beginStep(b, rates: rates, skipping: skipping)
        for rows in [0..<700, 700..<701, 701..<2500] {
            var slice = GaussianGradients(count: rows.count, featureCount: 3)
            func part(_ x: [Float], _ stride: Int) -> [Float] { Array(x[(rows.lowerBound * stride)..<(rows.upperBound * stride)]) }
            slice.means = part(g.means, 3); slice.logScales = part(g.logScales, 3); slice.rotations = part(g.rotations, 4)
            slice.opacityLogits = part(g.opacityLogits, 1); slice.sh = part(g.sh, 48); slice.features = part(g.features, 3)
            #expect(adamB.update(&b, rows: rows, gradients: slice, step: step, threads: 2))
        }
        #expect(a == b && adamA == adamB)
        #expect(skipping.isEmpty == (a.opacityLogits != p0.opacityLogits))
    }
}

@Test func adamReportsNonFiniteParameters() {
    var p = taggedParams(count: 4)
    var g = randomGradients(for: p, seed: 1)
    g.means[5] = .nan
    var adam = AdamState(for: p)
    let rates = GroupLearningRates(config: TrainConfig(), sceneExtent: 1, iteration: 1)
    #expect(!adam.step(&p, gradients: g, rates: rates))
}

@Test func positionScheduleIsLogLinear() {
    var config = TrainConfig()
    config.iterations = 1000
    let extent = 2.5
    let start = GroupLearningRates(config: config, sceneExtent: extent, iteration: 0).means
    let mid = GroupLearningRates(config: config, sceneExtent: extent, iteration: 500).means
    let end = GroupLearningRates(config: config, sceneExtent: extent, iteration: 1000).means
    let after = GroupLearningRates(config: config, sceneExtent: extent, iteration: 5000).means
    #expect(abs(start - 1.6e-4 * extent) < 1e-12)
    #expect(abs(end - 1.6e-6 * extent) < 1e-14)
    #expect(abs(mid - (1.6e-4 * 1.6e-6).squareRoot() * extent) < 1e-12)
    #expect(after == end)
}

@Test func kdTreeMatchesBruteForce() {
    var rng = SplatRandom(seed: 3)
    let n = 2000
    var points = [Float](repeating: 0, count: 3 * n)
    for i in 0..<n {   // clustered and spread points, some duplicates
        let cluster = Float(i % 5) * 10
        for a in 0..<3 { points[3 * i + a] = cluster + Float(rng.normal()) * (i % 7 == 0 ? 5 : 0.3) }
    }
    for a in 0..<3 { points[3 * 17 + a] = points[3 * 16 + a] }
    let fast = KDTree3(points: points).meanSquaredNeighbourDistances(k: 3, threads: 0)
    for i in stride(from: 0, to: n, by: 7) {
        var d = [Float]()
        for j in 0..<n where j != i {
            var s: Float = 0
            for a in 0..<3 { let x = points[3 * i + a] - points[3 * j + a]; s += x * x }
            d.append(s)
        }
        d.sort()
        let brute = (d[0] + d[1] + d[2]) / 3
        #expect(abs(fast[i] - brute) <= 1e-6 * max(1, brute))
    }
}

@Test func kdTreeNearestMatchesBruteForce() {
    var rng = SplatRandom(seed: 5)
    let n = 1500
    let points = (0..<(3 * n)).map { i in Float((i / 3) % 4) * 6 + Float(rng.normal()) }
    let tree = KDTree3(points: points)
    for _ in 0..<300 {
        let q = (Float(rng.normal() * 8), Float(rng.normal() * 8), Float(rng.normal() * 8))
        var best = (index: -1, distance: Float.infinity)
        for j in 0..<n {
            let dx = points[3 * j] - q.0, dy = points[3 * j + 1] - q.1, dz = points[3 * j + 2] - q.2
            let d = dx * dx + dy * dy + dz * dz
            if d < best.distance { best = (j, d) }
        }
        #expect(tree.nearest(to: q) == best.index)
    }
    #expect(KDTree3(points: []).nearest(to: (0, 0, 0)) == nil)
}

@Test func initialisationFromPoints() {
    let points: [Float] = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 5, 5, 5]
    let colors: [Float] = [1, 0, 0.5, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0.5, 0.2, 0.4, 0.6]
    var rng = SplatRandom(seed: 1)
    let p = GaussianInitializer.fromPoints(points, colors: colors, config: TrainConfig(), featureCount: 16, rng: &rng)
    #expect(p.count == 5 && p.means == points)
    // Point 0's 3 nearest are at distance 1: scale = √1.
    #expect(abs(p.logScales[0]) < 1e-6 && p.logScales[0] == p.logScales[1])
    #expect(abs(1 / (1 + exp(-p.opacityLogits[0])) - 0.1) < 1e-6)
    let c0 = Float(GaussianInitializer.shC0)
    #expect(abs(p.sh[0] * c0 + 0.5 - 1) < 1e-6 && abs(p.sh[48 + 1] * c0 + 0.5 - 1) < 1e-6)
    #expect(p.sh[3] == 0 && p.rotations[0] == 1 && p.rotations[1] == 0)
    #expect(p.features.allSatisfy { abs($0) <= 0.5 / c0 } && Set(p.features).count > 70)
}

@Test func randomInitCubeSurroundsWhatTheCamerasLookAt() {
    // Cameras on the upper half of a radius-4 sphere, all looking at (1, 2, 0.5).
    let target = Vec3(1, 2, 0.5)
    var cameras = [PinholeCamera]()
    for k in 0..<12 {
        let azimuth = Double(k) * 0.5, elevation = 0.2 + 0.1 * Double(k % 4)
        let center = target + Vec3(cos(azimuth) * cos(elevation), sin(azimuth) * cos(elevation), sin(elevation)) * 4
        let forward = (target - center).normalized
        let right = forward.cross(Vec3(0, 0, 1)).normalized, down = forward.cross(right)
        let rotation = Mat3(rows: right, down, forward)   // world→camera rows
        cameras.append(PinholeCamera(width: 10, height: 10, fx: 10, fy: 10, cx: 5, cy: 5,
                                     rotation: rotation, translation: -(rotation * center)))
    }
    let cube = GaussianInitializer.randomInitCube(cameras: cameras)
    #expect((cube.center - target).length < 1e-6)
    #expect(abs(cube.halfExtent - 1.3) < 1e-6)
}

@Test func distantShellSpansItsRadiiInEveryDirection() {
    var rng = SplatRandom(seed: 3)
    let center = Vec3(1, -2, 0.5)
    let points = GaussianInitializer.distantShell(count: 4000, center: center, innerRadius: 10, outerRadius: 100, rng: &rng)
    #expect(points.count == 12_000)
    var logRadii = [Double](), octants = Set<Int>()
    for i in 0..<4000 {
        let p = Vec3(Double(points[3 * i]), Double(points[3 * i + 1]), Double(points[3 * i + 2])) - center
        logRadii.append(log10(p.length))
        octants.insert((p.x > 0 ? 1 : 0) + (p.y > 0 ? 2 : 0) + (p.z > 0 ? 4 : 0))
    }
    #expect(logRadii.allSatisfy { $0 >= 1 - 1e-6 && $0 <= 2 + 1e-6 })
    // Log-uniform: half of the points within 10…31.6.
    let inner = logRadii.filter { $0 < 1.5 }.count
    #expect(abs(inner - 2000) < 150)
    #expect(octants.count == 8)
    var again = SplatRandom(seed: 3)
    #expect(GaussianInitializer.distantShell(count: 4000, center: center, innerRadius: 10, outerRadius: 100, rng: &again) == points)
}
