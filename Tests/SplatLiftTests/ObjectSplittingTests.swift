import Foundation
import Testing
import SplatMath
import SplatRaster
import SplatTestSupport
@testable import SplatLift

/// The voxel-grid components agree with a brute-force graph on the same cells: two points are
/// linked when their cells differ by at most one in every axis.
@Test func spatialComponentsMatchTheBruteForceCellGraph() {
    var rng = SplatRandom(seed: 11)
    for trial in 0..<20 {
        let n = 5 + trial * 7
        var means = [Float]()
        for _ in 0..<n {
            let cluster = Float(rng.int(below: 4)) * 3
            for a in 0..<3 { means.append(cluster * Float(a % 2) + (2 * rng.uniformFloat() - 1)) }
        }
        let points = Array(0..<n).filter { $0 % 5 != 3 }       // a subset, like one object's Gaussians
        let cell = 0.2 + Float(trial % 4) * 0.25
        #expect(SpatialComponents.label(points, means: means, cell: cell) == bruteForceComponents(points, means: means, cell: cell))
    }
}

private func bruteForceComponents(_ points: [Int], means: [Float], cell: Float) -> [Int] {
    let cells = points.map { i in (0..<3).map { Int((means[3 * i + $0] / cell).rounded(.down)) } }
    var label = [Int](repeating: -1, count: points.count), next = 0
    for start in points.indices where label[start] < 0 {
        label[start] = next
        var stack = [start]
        while let k = stack.popLast() {
            for j in points.indices where label[j] < 0 && zip(cells[k], cells[j]).allSatisfy({ abs($0 - $1) <= 1 }) {
                label[j] = next
                stack.append(j)
            }
        }
        next += 1
    }
    return label
}

/// Two clusters of six Gaussians, left and right of three cameras' axis, all voted object 0.
/// Masks that keep the halves apart split off the smaller cluster; one mask over both, or the
/// halves apart in fewer than `splitMinimumMasks` views, leave the object whole.
@Test func objectsWhoseGaussiansLieApartAreSplitWhereMasksKeepThemApart() throws {
    let (w, h) = (32, 24)
    let cameras = [-0.1, 0, 0.1].map { x in
        PinholeCamera(width: w, height: h, fx: 30, fy: 30, cx: 16, cy: 12, translation: Vec3(-x, 0, 0))
    }
    var g = GaussianParams(count: 12, shDegree: 0, featureCount: 2)
    for i in 0..<12 {
        let left = i < 6
        (g.means[3 * i], g.means[3 * i + 1], g.means[3 * i + 2]) = (left ? -0.6 : 0.6, Float(i % 6) * 0.01, 3)
        for a in 0..<3 { g.logScales[3 * i + a] = log(left ? 0.3 : 0.2) }
        g.rotations[4 * i] = 1
        g.opacityLogits[i] = 2
    }
    let ids = [Int32](repeating: 0, count: 12)
    var settings = ObjectSettings()
    settings.splitGap = 1        // cells of 0.11: the clusters (1.2 apart) are separate parts

    let halves = try SegmentLabels(width: w, height: h, labels: (0..<(w * h)).map { $0 % w < w / 2 ? 1 : 2 })
    let split = try ObjectSplitting.split(g, objectIDs: ids, firstNewKey: 2, cameras: cameras,
                                          masks: [SegmentLabels](repeating: halves, count: 3), backend: CPURasterizer(),
                                          settings: settings, threads: 1)
    #expect(split.objectIDs == [Int32](repeating: 0, count: 6) + [Int32](repeating: 2, count: 6))
    #expect(split.parentOfKey == [2: 0])

    let whole = try SegmentLabels(width: w, height: h, labels: [Int32](repeating: 1, count: w * h))
    let one = try ObjectSplitting.split(g, objectIDs: ids, firstNewKey: 2, cameras: cameras,
                                        masks: [SegmentLabels](repeating: whole, count: 3), backend: CPURasterizer(),
                                        settings: settings, threads: 1)
    #expect(one.objectIDs == ids && one.parentOfKey.isEmpty)

    let twoViews = try ObjectSplitting.split(g, objectIDs: ids, firstNewKey: 2, cameras: cameras,
                                             masks: [halves, halves, whole], backend: CPURasterizer(),
                                             settings: settings, threads: 1)
    #expect(twoViews.objectIDs == ids && twoViews.parentOfKey.isEmpty)
}

/// The right half is one physical object whose features fell into two objects: R1 (object 0, with
/// the left cluster L) and R2 (object 1). Cut into parts, R1 leaves L and joins R2, which the
/// right-hand masks hold together; no new id is needed.
@Test func partsOfOnePhysicalObjectJoinAcrossFeatureObjects() throws {
    let (w, h) = (32, 24)
    let cameras = [-0.1, 0, 0.1].map { x in
        PinholeCamera(width: w, height: h, fx: 30, fy: 30, cx: 16, cy: 12, translation: Vec3(-x, 0, 0))
    }
    let centres: [Float] = [-0.6, 0.45, 0.75]      // L, R1, R2; six Gaussians each
    var g = GaussianParams(count: 18, shDegree: 0, featureCount: 2)
    for i in 0..<18 {
        (g.means[3 * i], g.means[3 * i + 1], g.means[3 * i + 2]) = (centres[i / 6], Float(i % 6) * 0.01, 3)
        for a in 0..<3 { g.logScales[3 * i + a] = log(i / 6 == 2 ? 0.2 : 0.15) }
        g.rotations[4 * i] = 1
        g.opacityLogits[i] = 2
    }
    let ids = [Int32](repeating: 0, count: 12) + [Int32](repeating: 1, count: 6)
    var settings = ObjectSettings()
    settings.splitGap = 1
    let halves = try SegmentLabels(width: w, height: h, labels: (0..<(w * h)).map { $0 % w < w / 2 ? 1 : 2 })
    let result = try ObjectSplitting.split(g, objectIDs: ids, firstNewKey: 2, cameras: cameras,
                                           masks: [SegmentLabels](repeating: halves, count: 3), backend: CPURasterizer(),
                                           settings: settings, threads: 1)
    #expect(result.objectIDs == [Int32](repeating: 0, count: 6) + [Int32](repeating: 1, count: 12))
    #expect(result.parentOfKey.isEmpty)
}

/// Two entries share a mask in two views of three (same/both = 2/3): enough for one family, not
/// for two families, which need same/both above the cross-family agreement (0.75 here).
@Test func entriesOfDifferentFamiliesNeedStrongerEvidence() {
    let together = [[(entry: 0, count: 10), (entry: 1, count: 5)]]
    let apart = [[(entry: 0, count: 10)], [(entry: 1, count: 5)]]
    let views = [together, together, apart].map { MaskHistogram(masks: $0) }
    let area = [30, 15]
    let oneFamily = EntryGrouping.build(views, area: area, agreement: 0.5, support: 0.05, families: [7, 7], crossFamilyAgreement: 0.75)
    #expect(oneFamily.objectOfEntry == [0, 0])
    let twoFamilies = EntryGrouping.build(views, area: area, agreement: 0.5, support: 0.05, families: [7, 8], crossFamilyAgreement: 0.75)
    #expect(twoFamilies.objectOfEntry == [0, 1])
    let lenient = EntryGrouping.build(views, area: area, agreement: 0.5, support: 0.05, families: [7, 8], crossFamilyAgreement: 0.6)
    #expect(lenient.objectOfEntry == [0, 0])
}
