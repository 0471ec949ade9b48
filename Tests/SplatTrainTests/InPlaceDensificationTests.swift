import Foundation
import Testing
@testable import SplatTrain
import SplatMath

/// The densification as first written (gather every array into new ones through a row map),
/// kept as the oracle for the in-place `Densifier.densifyAndPrune`.
private func gatheringDensifyAndPrune(_ params: inout GaussianParams, adam: inout AdamState,
                                      stats: inout DensificationStats, config: TrainConfig,
                                      sceneExtent: Double, pruneLarge: Bool,
                                      rng: inout SplatRandom) -> DensifyReport {
    let n = params.count
    let threshold = Float(config.densifyGradThreshold)
    let denseLimit = Float(config.percentDense * sceneExtent)
    var cloneRows = [Int](), splitRows = [Int]()
    var isSplitParent = [Bool](repeating: false, count: n)
    for i in 0..<n {
        let count = stats.visibleCount[i]
        let meanGrad = count > 0 ? stats.gradientAccum[i] / count : 0
        guard meanGrad.isFinite, meanGrad >= threshold else { continue }
        if params.maxScale(i) <= denseLimit { cloneRows.append(i) } else { splitRows.append(i); isSplitParent[i] = true }
    }
    var rows = [Int](), isNew = [Bool]()
    for i in 0..<n where !isSplitParent[i] { rows.append(i); isNew.append(false) }
    for i in cloneRows { rows.append(i); isNew.append(true) }
    let firstChild = rows.count
    for _ in 0..<config.splitCount { for i in splitRows { rows.append(i); isNew.append(true) } }

    var edited = params.gathering(rows)
    let shrink = Float(log(0.8 * Double(config.splitCount)))
    for r in firstChild..<rows.count {
        let parent = rows[r]
        let q = Quat(w: Double(params.rotations[4 * parent]), x: Double(params.rotations[4 * parent + 1]),
                     y: Double(params.rotations[4 * parent + 2]), z: Double(params.rotations[4 * parent + 3]))
        var local = Vec3.zero
        for a in 0..<3 { local[a] = rng.normal() * Double(exp(params.logScales[3 * parent + a])) }
        let offset = q.rotationMatrix * local
        for a in 0..<3 {
            edited.means[3 * r + a] = params.means[3 * parent + a] + Float(offset[a])
            edited.logScales[3 * r + a] = params.logScales[3 * parent + a] - shrink
        }
    }
    let minOpacity = Float(config.minOpacity)
    let worldLimit = Float(config.maxWorldScaleFraction * sceneExtent)
    let screenLimit = config.maxScreenSize.map(Float.init)
    var keep = [Int](), keepNew = [Bool]()
    for r in 0..<rows.count {
        let opacity = 1 / (1 + exp(-edited.opacityLogits[r]))
        var prune = opacity < minOpacity
        if pruneLarge {
            if edited.maxScale(r) > worldLimit { prune = true }
            if let screenLimit, !isNew[r], stats.maxRadii[rows[r]] > screenLimit { prune = true }
        }
        if !prune { keep.append(r); keepNew.append(isNew[r]) }
    }
    params = edited.gathering(keep)
    let sourceRows = keep.map { rows[$0] }
    adam.firstMoment = adam.firstMoment.gathering(sourceRows, zeroed: keepNew)
    adam.secondMoment = adam.secondMoment.gathering(sourceRows, zeroed: keepNew)
    stats = DensificationStats(count: params.count)
    return DensifyReport(cloned: cloneRows.count, split: splitRows.count,
                         pruned: rows.count - keep.count, before: n, after: params.count)
}

private extension GaussianParams {
    func gathering(_ rows: [Int], zeroed: [Bool]? = nil) -> GaussianParams {
        func gather(_ a: [Float], _ stride: Int) -> [Float] {
            var out = [Float](repeating: 0, count: rows.count * stride)
            for (r, row) in rows.enumerated() where zeroed?[r] != true {
                for k in 0..<stride { out[r * stride + k] = a[row * stride + k] }
            }
            return out
        }
        var out = GaussianParams(count: rows.count, shDegree: shDegree, featureCount: featureCount)
        out.means = gather(means, 3); out.logScales = gather(logScales, 3); out.rotations = gather(rotations, 4)
        out.opacityLogits = gather(opacityLogits, 1); out.sh = gather(sh, Self.shStride)
        out.features = gather(features, featureCount)
        return out
    }
}

/// Random Gaussians, moments and statistics where every kind of row (clone, split, pruned for
/// opacity, world size or screen size, untouched, never visible) is common.
private func randomDensificationInput(count n: Int, featureCount: Int, seed: UInt64)
    -> (GaussianParams, AdamState, DensificationStats) {
    var rng = SplatRandom(seed: seed)
    var p = taggedParams(count: n, featureCount: featureCount)
    for i in 0..<p.logScales.count { p.logScales[i] = Float(log(0.05) + 1.5 * rng.normal()) }
    for i in 0..<n { p.opacityLogits[i] = Float(3 * rng.normal()) }
    var adam = AdamState(for: p)
    for moments in [\AdamState.firstMoment, \.secondMoment] {
        for array in [\GaussianParams.means, \.logScales, \.rotations, \.opacityLogits, \.sh, \.features] {
            for k in 0..<adam[keyPath: moments][keyPath: array].count {
                adam[keyPath: moments][keyPath: array][k] = Float(rng.uniform())
            }
        }
    }
    var stats = DensificationStats(count: n)
    for i in 0..<n where rng.uniform() < 0.8 {
        stats.visibleCount[i] = Float(1 + rng.int(below: 5))
        stats.gradientAccum[i] = stats.visibleCount[i] * Float(0.0004 * rng.uniform())
        stats.maxRadii[i] = Float(40 * rng.uniform())
    }
    return (p, adam, stats)
}

@Test(arguments: [(1, false, nil), (2, true, nil), (2, true, 20.0), (3, true, 10.0), (2, false, 20.0)] as [(Int, Bool, Double?)])
func inPlaceDensificationMatchesGathering(splitCount: Int, pruneLarge: Bool, maxScreenSize: Double?) {
    var config = TrainConfig()
    config.splitCount = splitCount
    config.maxScreenSize = maxScreenSize
    for seed in UInt64(1)...4 {
        let (p0, adam0, stats0) = randomDensificationInput(count: 500, featureCount: seed % 2 == 0 ? 3 : 0, seed: seed)
        var (p, adam, stats, rng) = (p0, adam0, stats0, SplatRandom(seed: seed + 100))
        var (q, adamQ, statsQ, rngQ) = (p0, adam0, stats0, SplatRandom(seed: seed + 100))
        let report = Densifier.densifyAndPrune(&p, adam: &adam, stats: &stats, config: config, sceneExtent: 5,
                                               pruneLarge: pruneLarge, rng: &rng)
        let expected = gatheringDensifyAndPrune(&q, adam: &adamQ, stats: &statsQ, config: config, sceneExtent: 5,
                                                pruneLarge: pruneLarge, rng: &rngQ)
        #expect(report == expected)
        #expect(report.cloned > 0 && report.split > 0 && report.pruned > 0)
        #expect(p == q && adam == adamQ && stats == statsQ && rng == rngQ)
    }
}

@Test func rowEditKeepsRowsInOrderAndAppendsCopiesOrZeros() {
    var a: [Float] = [0, 1, 10, 11, 20, 21, 30, 31]
    let edit = RowEdit(keep: [false, true, false, true], appended: [0, 3, 2])
    var zeroed = a
    a.applyRowEdit(edit, stride: 2, zeroAppended: false)
    #expect(a == [10, 11, 30, 31, 0, 1, 30, 31, 20, 21])
    zeroed.applyRowEdit(edit, stride: 2, zeroAppended: true)
    #expect(zeroed == [10, 11, 30, 31, 0, 0, 0, 0, 0, 0])
}

@Test func growingCapacityKeepsTheValues() {
    var rng = SplatRandom(seed: 3)
    for count in [0, 5, 300_000, 1_000_003] {
        var a = (0..<count).map { _ in Float(rng.normal()) }
        let original = a
        a.growCapacity(to: count + count / 2 + 1)
        #expect(a == original && a.capacity >= count + count / 2 + 1)
    }
}
