import Foundation
import SplatTestSupport
import Testing
@testable import SplatTrain
import SplatMath
import SplatRaster

/// Tags row i of the parameters and of both Adam moments with i in a slot nothing else touches
/// (the last SH coefficient), so every output row can be traced back to its source.
private func taggedSetup(count n: Int) -> (GaussianParams, AdamState) {
    var p = taggedParams(count: n, featureCount: 4)
    var adam = AdamState(for: p)
    for i in 0..<n { p.sh[i * 48 + 47] = Float(i) }
    var rng = SplatRandom(seed: 5)
    for k in 0..<adam.firstMoment.sh.count { adam.firstMoment.sh[k] = Float(rng.normal()); adam.secondMoment.sh[k] = Float(rng.uniform()) }
    for k in 0..<adam.firstMoment.means.count { adam.firstMoment.means[k] = Float(rng.normal()); adam.secondMoment.means[k] = Float(rng.uniform()) }
    for k in 0..<adam.firstMoment.features.count { adam.firstMoment.features[k] = Float(rng.normal()); adam.secondMoment.features[k] = Float(rng.uniform()) }
    for k in 0..<adam.firstMoment.opacityLogits.count { adam.firstMoment.opacityLogits[k] = Float(rng.normal()); adam.secondMoment.opacityLogits[k] = Float(rng.uniform()) }
    for i in 0..<n {
        adam.firstMoment.sh[i * 48 + 47] = Float(i) + 0.25
        adam.secondMoment.sh[i * 48 + 47] = Float(i) + 0.5
    }
    return (p, adam)
}

@Test func cloneSplitPruneKeepParametersAndMomentsAligned() {
    let n = 60
    var (p, adam) = taggedSetup(count: n)
    let originalAdam = adam
    var config = TrainConfig()
    let extent = 10.0   // clone limit: max scale ≤ 0.1; world-size limit 1.0
    var stats = DensificationStats(count: n)
    for i in 0..<n {
        stats.visibleCount[i] = 2
        let kind = i % 6
        // 0: clone (small, big gradient) 1: split (large, big gradient) 2: nothing
        // 3: pruned for opacity 4: pruned world-size 5: nothing (never visible)
        let small: Float = log(0.05), large: Float = log(0.5)
        for a in 0..<3 { p.logScales[3 * i + a] = (kind == 1 ? large : small) - Float(a) * 0.1 }
        if kind == 4 { p.logScales[3 * i] = log(2.0) }
        p.opacityLogits[i] = kind == 3 ? -7 : 0.5
        stats.gradientAccum[i] = (kind == 0 || kind == 1) ? 0.001 : 0.0001
        if kind == 5 { stats.visibleCount[i] = 0; stats.gradientAccum[i] = 0 }
        stats.maxRadii[i] = 3
    }
    let before = p
    var rng = SplatRandom(seed: 11)
    config.splitCount = 2
    let report = Densifier.densifyAndPrune(&p, adam: &adam, stats: &stats, config: config, sceneExtent: extent,
                                           pruneLarge: true, rng: &rng)
    #expect(report.cloned == 10 && report.split == 10)
    #expect(report.pruned == 20)            // 10 transparent + 10 world-size
    #expect(p.count == n + 10 + 10 - 20)    // + clones + (2 children − parent) − pruned
    #expect(adam.firstMoment.count == p.count && adam.secondMoment.count == p.count && stats.count == p.count)
    #expect(adam.firstMoment.means.count == p.means.count && adam.secondMoment.features.count == p.features.count)
    #expect(stats.gradientAccum.allSatisfy { $0 == 0 } && stats.maxRadii.allSatisfy { $0 == 0 })

    var seen = [Int: Int]()
    var survivorRows = 0
    for r in 0..<p.count {
        let src = Int(p.sh[r * 48 + 47])
        let kind = src % 6
        seen[src, default: 0] += 1
        #expect(kind != 3 && kind != 4)
        let momentTag = adam.firstMoment.sh[r * 48 + 47]
        let isNew = momentTag == 0 && adam.secondMoment.sh[r * 48 + 47] == 0
        // Row-wise equal parameters except means/scales of split children.
        for k in 0..<48 { #expect(p.sh[r * 48 + k] == before.sh[src * 48 + k]) }
        for k in 0..<4 { #expect(p.rotations[4 * r + k] == before.rotations[4 * src + k]) }
        for k in 0..<4 { #expect(p.features[4 * r + k] == before.features[4 * src + k]) }
        #expect(p.opacityLogits[r] == before.opacityLogits[src])
        if kind == 1 {
            #expect(isNew)   // split parents are gone; only their children remain
            for a in 0..<3 { #expect(abs(p.logScales[3 * r + a] - (before.logScales[3 * src + a] - log(1.6))) < 1e-5) }
            var d: Float = 0
            for a in 0..<3 { d = max(d, abs(p.means[3 * r + a] - before.means[3 * src + a])) }
            #expect(d > 0 && d < 5 * 0.5)
        } else {
            for a in 0..<3 { #expect(p.means[3 * r + a] == before.means[3 * src + a]) }
            for a in 0..<3 { #expect(p.logScales[3 * r + a] == before.logScales[3 * src + a]) }
        }
        if isNew {
            for k in 0..<48 { #expect(adam.firstMoment.sh[r * 48 + k] == 0 && adam.secondMoment.sh[r * 48 + k] == 0) }
            for k in 0..<3 { #expect(adam.firstMoment.means[3 * r + k] == 0) }
            for k in 0..<4 { #expect(adam.secondMoment.features[4 * r + k] == 0) }
        } else {
            survivorRows += 1
            #expect(momentTag == Float(src) + 0.25 && adam.secondMoment.sh[r * 48 + 47] == Float(src) + 0.5)
            for k in 0..<3 { #expect(adam.firstMoment.means[3 * r + k] == originalAdam.firstMoment.means[3 * src + k]) }
            for k in 0..<4 { #expect(adam.secondMoment.features[4 * r + k] == originalAdam.secondMoment.features[4 * src + k]) }
            #expect(adam.firstMoment.opacityLogits[r] == originalAdam.firstMoment.opacityLogits[src])
        }
    }
    #expect(survivorRows == 30)   // kinds 0, 2, 5
    for i in 0..<n {
        switch i % 6 {
        case 0, 1: #expect(seen[i] == 2)       // original + clone, or two children
        case 2, 5: #expect(seen[i] == 1)
        default: #expect(seen[i] == nil)
        }
    }
    // Order as in 3DGS: survivors in order, then clones, then children (copy-major).
    let order = (0..<p.count).map { Int(p.sh[$0 * 48 + 47]) }
    let survivors = (0..<n).filter { [0, 2, 5].contains($0 % 6) }
    let clones = (0..<n).filter { $0 % 6 == 0 }, splits = (0..<n).filter { $0 % 6 == 1 }
    #expect(order == survivors + clones + splits + splits)
}

@Test func screenSizePruneWhenEnabled() {
    var (p, adam) = taggedSetup(count: 4)
    for i in 0..<4 { for a in 0..<3 { p.logScales[3 * i + a] = log(0.01) } }
    var stats = DensificationStats(count: 4)
    stats.maxRadii = [5, 25, 19, 30]
    var config = TrainConfig()
    var rng = SplatRandom(seed: 1)
    var q = p, adamQ = adam, statsQ = stats
    Densifier.densifyAndPrune(&q, adam: &adamQ, stats: &statsQ, config: config, sceneExtent: 1, pruneLarge: true, rng: &rng)
    #expect(q.count == 4)   // default: off, as official 3DGS behaves
    config.maxScreenSize = 20
    Densifier.densifyAndPrune(&p, adam: &adam, stats: &stats, config: config, sceneExtent: 1, pruneLarge: true, rng: &rng)
    #expect(p.count == 2 && p.sh[47] == 0 && p.sh[48 + 47] == 2)
}

@Test func opacityResetCapsOpacityAndZeroesItsMoments() {
    var (p, adam) = taggedSetup(count: 3)
    p.opacityLogits = [3, -6, 0]
    Densifier.resetOpacity(&p, adam: &adam, value: 0.01)
    let opacities = p.opacityLogits.map { 1 / (1 + exp(-$0)) }
    #expect(abs(opacities[0] - 0.01) < 1e-6 && abs(opacities[2] - 0.01) < 1e-6)
    #expect(p.opacityLogits[1] == -6)
    #expect(adam.firstMoment.opacityLogits.allSatisfy { $0 == 0 } && adam.secondMoment.opacityLogits.allSatisfy { $0 == 0 })
    #expect(adam.firstMoment.sh[47] == 0.25)
}

@Test func checkpointRoundTripIsExact() throws {
    let (p, adam0) = taggedSetup(count: 7)
    var adam = adam0
    adam.steps = [3, 3, 3, 2, 3, 3, 0]
    var stats = DensificationStats(count: 7)
    stats.gradientAccum[2] = 0.5; stats.visibleCount[2] = 3; stats.maxRadii[4] = 9.5
    var rng = SplatRandom(seed: 42)
    _ = rng.next()
    let state = TrainState(iteration: 1234, gaussians: p, adam: adam, stats: stats, rng: rng, viewStack: [4, 1, 7],
                           sceneExtent: 3.25)
    let checkpoint = TrainCheckpoint(state: state, objectiveState: [1, 2, 3])
    let dir = try TestDataDirectory()
    let url = dir.appendingPathComponent("checkpoint.bin")
    try checkpoint.write(to: url)
    let back = try TrainCheckpoint.read(from: url)
    #expect(back == checkpoint)
    // Damaged files are refused with a message naming the file.
    var data = try Data(contentsOf: url)
    data.removeLast(10)
    try data.write(to: url)
    #expect(throws: SplatError.self) { try TrainCheckpoint.read(from: url) }
    do { _ = try TrainCheckpoint.read(from: url) } catch let error as SplatError { #expect(error.path == url.path) }
}

func TestDataDirectory() throws -> URL {
    try TestData.temporaryDirectory("splatlift-train")
}
